import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { createPeopleService, importSampleOrganization, personId } from '../../support/people-factories';
import { BindCodeModel } from '../../../src/people/bind-code-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { hashBindCode } from '../../../src/people/bind-code-rules';

const provider = 'wechaty-puppet-mock';
const { clock, audit, people } = createPeopleService();

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(people);
});
afterAll(async () => {
  await audit.settle();
  await disconnectTestDatabase();
});
beforeEach(async () => {
  clock.set('2026-11-26T01:00:00Z');
  await Promise.all([BindCodeModel.deleteMany({}), IdentityBindingModel.deleteMany({})]);
});

describe('binding a chat identity with a one-time code', () => {
  test('when an officer sends the code an admin created, then their contact is bound and the binding is audited', async () => {
    const { code, expiresAt, person } = await people.createBindCode('刘洋', {
      byId: await personId('李静'),
      via: 'cli',
    });
    expect(code).toMatch(/^\d{6}$/);
    expect(expiresAt.toISOString()).toBe('2026-11-27T01:00:00.000Z');
    expect(person).toMatchObject({ name: '刘洋', title: '科员', roles: ['officer'] });

    clock.advance(3600_000);
    const bound = await people.bindChatIdentity({ code: ` ${code} `, provider, externalId: 'contact-liu' });

    expect(bound).toEqual(person);
    expect(await people.findPersonByChatIdentity(provider, 'contact-liu')).toEqual(person);
    expect(await people.findPersonByChatIdentity('another-puppet', 'contact-liu')).toBeNull();
    expect(await people.chatIdentitiesOf([person.id, await personId('王建华')], provider)).toEqual(
      new Map([
        [person.id, ['contact-liu']],
        [await personId('王建华'), []],
      ]),
    );
    const stored = await BindCodeModel.findOne({ personId: person.id }).lean();
    expect(stored).toMatchObject({ codeHash: hashBindCode(code), usedBy: { provider, externalId: 'contact-liu' } });
    expect(JSON.stringify(stored)).not.toContain(code);
    await audit.settle();
    const events = await AuditEventModel.find({ 'subject.id': person.id }).sort({ _id: 1 }).lean();
    expect(events.map((event) => [event.action, event.actor.via])).toEqual([
      ['person.created', ''],
      ['bind-code.created', 'cli'],
      ['identity.bound', `${provider}:contact-liu`],
    ]);
    expect(JSON.stringify(events)).not.toContain(code);
  });

  test('when the code is sent 24 hours after it was made, then it has expired and nothing is bound', async () => {
    const { code } = await people.createBindCode('刘洋', { byId: null });
    clock.advance(24 * 3600_000);
    await expect(people.bindChatIdentity({ code, provider, externalId: 'contact-late' })).rejects.toMatchObject({
      code: 'BIND_CODE_EXPIRED',
      message: '该绑定码已过期（有效期 24 小时），请联系管理员重新获取',
    });
    expect(await people.findPersonByChatIdentity(provider, 'contact-late')).toBeNull();
  });

  test('when a used code is sent again from another contact, then it is refused as used', async () => {
    const { code } = await people.createBindCode('刘洋', { byId: null });
    await people.bindChatIdentity({ code, provider, externalId: 'contact-first' });
    await expect(people.bindChatIdentity({ code, provider, externalId: 'contact-second' })).rejects.toMatchObject({
      code: 'BIND_CODE_USED',
      status: 409,
    });
    expect(await IdentityBindingModel.countDocuments()).toBe(1);
  });

  test('when two contacts send the same code at the same moment, then exactly one is bound', async () => {
    const { code } = await people.createBindCode('刘洋', { byId: null });
    const contacts = Array.from({ length: 6 }, (_, index) => `contact-race-${index}`);
    const other = createPeopleService({ clock });

    const outcomes = await Promise.allSettled(
      contacts.map((externalId, index) =>
        (index % 2 ? other.people : people).bindChatIdentity({ code, provider, externalId }),
      ),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refusals = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refusals.map((outcome) => (outcome.reason as { code: string }).code)).toEqual(
      Array(contacts.length - 1).fill('BIND_CODE_USED'),
    );
    expect(await IdentityBindingModel.countDocuments()).toBe(1);
    await other.audit.settle();
  });

  test('when a second person tries to take a contact already bound, then it is refused and their code stays usable', async () => {
    const first = await people.createBindCode('刘洋', { byId: null });
    await people.bindChatIdentity({ code: first.code, provider, externalId: 'contact-shared' });
    const second = await people.createBindCode('蒋明', { byId: null });

    await expect(
      people.bindChatIdentity({ code: second.code, provider, externalId: 'contact-shared' }),
    ).rejects.toMatchObject({ code: 'IDENTITY_ALREADY_BOUND', status: 409 });
    expect((await people.findPersonByChatIdentity(provider, 'contact-shared'))?.name).toBe('刘洋');
    await expect(
      people.bindChatIdentity({ code: second.code, provider, externalId: 'contact-jiang' }),
    ).resolves.toMatchObject({ name: '蒋明' });
  });

  test('when the bound person sends a code again from the same contact, then nothing changes', async () => {
    const first = await people.createBindCode('刘洋', { byId: null });
    await people.bindChatIdentity({ code: first.code, provider, externalId: 'contact-again' });
    const second = await people.createBindCode('刘洋', { byId: null });
    await expect(
      people.bindChatIdentity({ code: second.code, provider, externalId: 'contact-again' }),
    ).resolves.toMatchObject({ name: '刘洋' });
    expect(await IdentityBindingModel.countDocuments()).toBe(1);
  });

  test('when a code is wrong, or a newer code was made, then the old one is refused with the reason', async () => {
    const older = await people.createBindCode('刘洋', { byId: null });
    const newer = await people.createBindCode('刘洋', { byId: null });
    const wrong = ['000000', '000001', '000002'].find((code) => code !== older.code && code !== newer.code) ?? '';
    await expect(people.bindChatIdentity({ code: wrong, provider, externalId: 'x' })).rejects.toMatchObject({
      code: 'BIND_CODE_INVALID',
    });
    await expect(people.bindChatIdentity({ code: 'abc', provider, externalId: 'x' })).rejects.toMatchObject({
      code: 'BIND_CODE_INVALID',
    });
    await expect(people.bindChatIdentity({ code: older.code, provider, externalId: 'x' })).rejects.toMatchObject({
      code: 'BIND_CODE_EXPIRED',
      message: expect.stringContaining('已作废'),
    });
    await expect(people.bindChatIdentity({ code: newer.code, provider, externalId: 'x' })).resolves.toMatchObject({
      name: '刘洋',
    });
  });

  test('when the admin names a person ambiguously or not at all, then the error says how to name them', async () => {
    await expect(people.createBindCode('张伟', { byId: null })).rejects.toMatchObject({
      code: 'PERSON_AMBIGUOUS',
      message:
        '有 2 位名为“张伟”的人员：张伟（县教育局，编码 JYJ004）、张伟（党政办公室，编码 QSZ002），请改用编码或 ID 指明是哪一位',
    });
    await expect(people.createBindCode('QSZ002', { byId: null })).resolves.toMatchObject({
      person: { name: '张伟', title: '干事' },
    });
    await expect(people.createBindCode(await personId('马骏'), { byId: null })).resolves.toMatchObject({
      person: { name: '马骏' },
    });
    await expect(people.createBindCode('查无此人', { byId: null })).rejects.toMatchObject({
      code: 'PERSON_NOT_FOUND',
      status: 404,
    });
  });
});
