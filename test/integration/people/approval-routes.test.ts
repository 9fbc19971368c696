import { organizationCacheTtlMs } from '../../../src/people/people-service';
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { createAccount } from '../../support/factories';
import { createPeopleService, importSampleOrganization, personId, unitId } from '../../support/people-factories';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { DelegationModel } from '../../../src/people/delegation-model';
import { PersonModel } from '../../../src/people/person-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';

const { clock, audit, people } = createPeopleService();
const ids: Record<string, string> = {};
const units: Record<string, string> = {};

beforeAll(async () => {
  await connectTestDatabase();
  await importSampleOrganization(people);
  for (const name of [
    '陈志远',
    '王建华',
    '赵海涛',
    '钱卫东',
    '孙丽',
    '刘洋',
    '吴国庆',
    '郑美玲',
    '冯涛',
    '黄德明',
    '马骏',
    '李静',
  ]) {
    ids[name] = await personId(name);
  }
  ids['张伟（教育局）'] = await personId('张伟', 'JYJ004');
  units.county = await unitId('某县人民政府');
  units.emergency = await unitId('某县人民政府/县应急管理局');
  units.education = await unitId('某县人民政府/县教育局');
  units.town = await unitId('某县人民政府/青山镇人民政府');
  units.townOffice = await unitId('某县人民政府/青山镇人民政府/党政办公室');
});
afterAll(async () => {
  await audit.settle();
  await disconnectTestDatabase();
});
beforeEach(() => clock.set('2026-11-26T01:00:00Z'));

/** The route as names, so a failure reads like the organization chart. */
async function routeOf(input: { unitId: string; accountId?: string | null; submitterId: string }) {
  const route = await people.resolveRoute(input);
  const names = await people.findPeople([
    ...route.ccIds,
    ...route.steps.flatMap((step) => [...step.approverIds, ...step.backupApproverIds]),
  ]);
  const name = (id: Types.ObjectId) => names.get(String(id))?.name;
  return {
    steps: route.steps.map((step) => ({
      mode: step.mode,
      approvers: step.approverIds.map(name),
      backups: step.backupApproverIds.map(name),
    })),
    cc: route.ccIds.map(name),
  };
}

describe('resolving the approval route of a draft', () => {
  test('when an account of the unit has its own route, then a draft for that account follows it', async () => {
    const account = await createAccount({ unitId: new Types.ObjectId(units.emergency), platform: 'douyin' });
    await ApprovalRouteModel.create({
      unitId: units.emergency,
      accountId: account._id,
      steps: [{ mode: 'any', approverIds: [ids['王建华']] }],
      ccIds: [ids['李静']],
    });

    expect(
      await routeOf({ unitId: units.emergency, accountId: String(account._id), submitterId: ids['刘洋'] }),
    ).toEqual({
      steps: [{ mode: 'any', approvers: ['王建华'], backups: [] }],
      cc: ['李静'],
    });
  });

  test('when the unit has a route, then a draft follows its steps (科室负责人, then 分管领导) and informs the cc list', async () => {
    expect(await routeOf({ unitId: units.emergency, accountId: null, submitterId: ids['刘洋'] })).toEqual({
      steps: [
        { mode: 'any', approvers: ['孙丽'], backups: ['钱卫东'] },
        { mode: 'any', approvers: ['赵海涛'], backups: ['王建华'] },
      ],
      cc: ['王建华', '李静'],
    });
  });

  test('when the unit has no route, then its main leader approves; a unit without a main leader goes up the tree', async () => {
    expect(await routeOf({ unitId: units.town, submitterId: ids['马骏'] })).toEqual({
      steps: [{ mode: 'any', approvers: ['黄德明'], backups: [] }],
      cc: [],
    });
    expect(await routeOf({ unitId: units.townOffice, submitterId: ids['马骏'] })).toEqual({
      steps: [{ mode: 'any', approvers: ['黄德明'], backups: [] }],
      cc: [],
    });
  });

  test('when the submitter is the main leader, then the next leader up approves', async () => {
    expect(await routeOf({ unitId: units.town, submitterId: ids['黄德明'] })).toEqual({
      steps: [{ mode: 'any', approvers: ['陈志远'], backups: [] }],
      cc: [],
    });
  });

  test('when the submitter approves a step of the route, then that step goes to the unit leader', async () => {
    expect(await routeOf({ unitId: units.emergency, submitterId: ids['孙丽'] })).toEqual({
      steps: [
        { mode: 'any', approvers: ['王建华'], backups: ['钱卫东'] },
        { mode: 'any', approvers: ['赵海涛'], backups: [] },
      ],
      cc: ['王建华', '李静'],
    });
  });

  test('when the route has a 会签 step, then every signer is kept and the submitter is taken out', async () => {
    expect(await routeOf({ unitId: units.education, submitterId: ids['张伟（教育局）'] })).toEqual({
      steps: [
        { mode: 'all', approvers: ['郑美玲', '冯涛'], backups: [] },
        { mode: 'any', approvers: ['吴国庆'], backups: [] },
      ],
      cc: ['李静'],
    });
    expect(await routeOf({ unitId: units.education, submitterId: ids['冯涛'] })).toMatchObject({
      steps: [{ mode: 'all', approvers: ['郑美玲'] }, { approvers: ['吴国庆'] }],
    });
  });

  test('when an approver has left, then they are skipped (a change made elsewhere shows once the cache time has passed)', async () => {
    await PersonModel.updateOne({ _id: ids['孙丽'] }, { active: false });
    clock.advance(organizationCacheTtlMs);
    try {
      expect((await routeOf({ unitId: units.emergency, submitterId: ids['刘洋'] })).steps[0]).toEqual({
        mode: 'any',
        approvers: ['王建华'],
        backups: ['钱卫东'],
      });
    } finally {
      await PersonModel.updateOne({ _id: ids['孙丽'] }, { active: true });
      clock.advance(organizationCacheTtlMs);
    }
  });

  test('when nobody but the submitter could approve, then ROUTE_HAS_NO_APPROVER; an unknown unit is named', async () => {
    await expect(people.resolveRoute({ unitId: units.county, submitterId: ids['陈志远'] })).rejects.toMatchObject({
      code: 'ROUTE_HAS_NO_APPROVER',
    });
    await expect(
      people.resolveRoute({ unitId: String(new Types.ObjectId()), submitterId: ids['刘洋'] }),
    ).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', status: 404 });
  });
});

describe('delegations during leave', () => {
  test('when a leader is on leave, then the delegate stands in for them only within the period', async () => {
    await people.setDelegation({
      personId: ids['赵海涛'],
      delegateId: ids['钱卫东'],
      from: new Date('2026-12-01T00:00:00+08:00'),
      until: new Date('2026-12-08T00:00:00+08:00'),
      byId: ids['李静'],
    });

    expect(await people.delegatorsOf(ids['钱卫东'], new Date('2026-11-30T23:59:00+08:00'))).toEqual([]);
    expect(await people.delegatorsOf(ids['钱卫东'], new Date('2026-12-01T00:00:00+08:00'))).toEqual([ids['赵海涛']]);
    expect(await people.delegatorsOf(ids['钱卫东'], new Date('2026-12-07T23:59:00+08:00'))).toEqual([ids['赵海涛']]);
    expect(await people.delegatorsOf(ids['钱卫东'], new Date('2026-12-08T00:00:00+08:00'))).toEqual([]);
    expect(await people.delegatorsOf(ids['赵海涛'], new Date('2026-12-02T00:00:00+08:00'))).toEqual([]);

    await audit.settle();
    const event = await AuditEventModel.findOne({ action: 'delegation.set', 'subject.id': ids['赵海涛'] }).lean();
    expect(String(event?.actor.personId)).toBe(ids['李静']);
    expect(event?.details).toMatchObject({ delegateId: ids['钱卫东'], from: '2026-11-30T16:00:00.000Z' });
  });

  test('when a second delegation overlaps the first, then the later one applies from its start', async () => {
    const leave = { personId: ids['吴国庆'], byId: null };
    await people.setDelegation({
      ...leave,
      delegateId: ids['郑美玲'],
      from: new Date('2026-12-10T00:00:00+08:00'),
      until: new Date('2026-12-20T00:00:00+08:00'),
    });
    clock.advance(60_000);
    await people.setDelegation({
      ...leave,
      delegateId: ids['冯涛'],
      from: new Date('2026-12-15T00:00:00+08:00'),
      until: new Date('2026-12-20T00:00:00+08:00'),
    });

    const before = new Date('2026-12-12T00:00:00+08:00');
    const after = new Date('2026-12-16T00:00:00+08:00');
    expect(await people.delegatorsOf(ids['郑美玲'], before)).toEqual([ids['吴国庆']]);
    expect(await people.delegatorsOf(ids['郑美玲'], after)).toEqual([]);
    expect(await people.delegatorsOf(ids['冯涛'], after)).toEqual([ids['吴国庆']]);
    expect(await DelegationModel.countDocuments({ personId: ids['吴国庆'] })).toBe(2);
  });

  test('when the delegation is to oneself or already over, then it is refused', async () => {
    const period = { from: new Date('2026-11-01T00:00:00+08:00'), until: new Date('2026-11-02T00:00:00+08:00') };
    await expect(
      people.setDelegation({ personId: ids['王建华'], delegateId: ids['赵海涛'], byId: null, ...period }),
    ).rejects.toMatchObject({ code: 'DELEGATION_INVALID', message: '代理的结束时间已过，请填写今后的时间' });
    await expect(
      people.setDelegation({
        personId: ids['王建华'],
        delegateId: ids['王建华'],
        byId: null,
        from: new Date('2026-12-01T00:00:00+08:00'),
        until: new Date('2026-12-02T00:00:00+08:00'),
      }),
    ).rejects.toMatchObject({ code: 'DELEGATION_INVALID' });
  });
});

describe('finding people', () => {
  test('when the bot looks a name up for 转交, then every active person with that name is returned', async () => {
    expect((await people.findPersonByName(' 张伟 ')).map((person) => person.title)).toEqual(['科员', '干事']);
    expect(await people.findPersonByName('查无此人')).toEqual([]);
  });

  test('when alerts go out, then the admins whose scope covers the unit are found', async () => {
    expect((await people.adminsOf(units.townOffice)).map((admin) => admin.name)).toEqual(['李静']);
    expect((await people.adminsOf()).map((admin) => admin.name)).toEqual(['李静']);
  });

  test('when people are looked up by id, then unknown and malformed ids are left out', async () => {
    const found = await people.findPeople([ids['刘洋'], new Types.ObjectId(), 'not-an-id']);
    expect([...found.values()]).toEqual([
      { id: ids['刘洋'], name: '刘洋', title: '科员', roles: ['officer'], unitIds: [units.emergency] },
    ]);
  });
});
