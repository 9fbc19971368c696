import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { createAccount } from '../../support/factories';
import {
  createPeopleService,
  importSampleOrganization,
  personId,
  sampleOrganizationCsvFile,
  sampleOrganizationFile,
  unitId,
} from '../../support/people-factories';
import { UnitModel } from '../../../src/people/unit-model';
import { PersonModel } from '../../../src/people/person-model';
import { ApprovalRouteModel } from '../../../src/people/approval-route-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { AccountDirectory } from '../../../src/people/people-service';
import { AccountModel } from '../../../src/accounts/account-model';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);
beforeEach(async () => {
  await Promise.all([
    UnitModel.deleteMany({}),
    PersonModel.deleteMany({}),
    ApprovalRouteModel.deleteMany({}),
    AccountModel.deleteMany({}),
  ]);
});

const sampleJson = fs.readFileSync(sampleOrganizationFile, 'utf8');
const storedCounts = async () => ({
  units: await UnitModel.countDocuments(),
  people: await PersonModel.countDocuments(),
  routes: await ApprovalRouteModel.countDocuments(),
});

/** Finds accounts the way the CLI does, by name within the unit. */
const accounts: AccountDirectory = {
  async findAccountId(unit, reference) {
    const account = await AccountModel.findOne({ unitId: unit, name: reference }).lean();
    return account ? String(account._id) : null;
  },
};

describe('importing the organization', () => {
  test('when the sample is imported twice, then the counts are the same and nothing is duplicated or rewritten', async () => {
    const { people, audit } = createPeopleService();

    const first = await importSampleOrganization(people);
    const second = await importSampleOrganization(people);
    await audit.settle();

    expect(first).toEqual({ units: 6, people: 18, routes: 2, created: 26, updated: 0 });
    expect(second).toEqual({ units: 6, people: 18, routes: 2, created: 0, updated: 0 });
    expect(await storedCounts()).toEqual({ units: 6, people: 18, routes: 2 });
    expect(await AuditEventModel.countDocuments({ action: 'person.created' })).toBe(18);
    expect(await AuditEventModel.countDocuments({ action: 'organization.imported' })).toBe(2);
  });

  test('when the sample is imported, then the tree, main leaders, people and routes are stored', async () => {
    const { people } = createPeopleService();
    await importSampleOrganization(people);

    const education = await UnitModel.findById(await unitId('某县人民政府/县教育局')).lean();
    const county = await unitId('某县人民政府');
    expect(education).toMatchObject({ name: '县教育局', kind: 'department' });
    expect(education?.ancestorIds.map(String)).toEqual([county]);
    expect(String(education?.mainLeaderId)).toBe(await personId('吴国庆'));
    const office = await UnitModel.findById(await unitId('某县人民政府/青山镇人民政府/党政办公室')).lean();
    expect(office).toMatchObject({ kind: 'office', mainLeaderId: null });

    expect(await PersonModel.findById(await personId('李静')).lean()).toMatchObject({
      code: 'ZFB002',
      importKey: 'code:ZFB002',
      roles: ['admin'],
      adminOfUnitId: expect.anything(),
      active: true,
    });
    const route = await ApprovalRouteModel.findOne({ unitId: education?._id }).lean();
    expect(route?.steps.map((step) => ({ mode: step.mode, approvers: step.approverIds.map(String) }))).toEqual([
      { mode: 'all', approvers: [await personId('郑美玲'), await personId('冯涛')] },
      { mode: 'any', approvers: [await personId('吴国庆')] },
    ]);
    expect(route?.ccIds.map(String)).toEqual([await personId('李静')]);
  });

  test('when the CSV sample is imported after the JSON sample, then nothing changes: they describe the same organization', async () => {
    const { people } = createPeopleService();
    await importSampleOrganization(people);
    const csv = await people.importOrganization(fs.readFileSync(sampleOrganizationCsvFile, 'utf8'), 'csv', {
      byId: null,
    });
    expect(csv).toEqual({ units: 6, people: 18, routes: 2, created: 0, updated: 0 });
  });

  test('when a CSV with the 企业微信账号 column is imported, then its people are bound on the WeCom app as the same JSON binds them', async () => {
    await IdentityBindingModel.deleteMany({});
    const { people } = createPeopleService();
    const fixture = (format: 'json' | 'csv') =>
      fs.readFileSync(
        path.resolve(__dirname, '..', '..', 'fixtures', `organization-with-wecom-user-ids.${format}`),
        'utf8',
      );
    const wecomBindings = async () =>
      (await IdentityBindingModel.find({ kind: 'chat', provider: 'wecom-app' }).lean())
        .map((binding) => ({ personId: String(binding.personId), userId: binding.externalId }))
        .sort((left, right) => left.userId.localeCompare(right.userId));

    const csv = await people.importOrganization(fixture('csv'), 'csv', { byId: null });
    const boundByCsv = await wecomBindings();
    const json = await people.importOrganization(fixture('json'), 'json', { byId: null });

    expect(csv).toEqual({ units: 2, people: 3, routes: 1, created: 6, updated: 0 });
    expect(boundByCsv).toEqual([
      { personId: await personId('陈志远'), userId: 'ChenZhiYuan' },
      { personId: await personId('王建华'), userId: 'wangjianhua' },
    ]);
    expect(json).toEqual({ units: 2, people: 3, routes: 1, created: 0, updated: 0 });
    expect(await wecomBindings()).toEqual(boundByCsv);
  });

  test('when two imports of the same file run at once, then every unit and person exists once', async () => {
    const one = createPeopleService();
    const other = createPeopleService();
    const summaries = await Promise.all([importSampleOrganization(one.people), importSampleOrganization(other.people)]);
    expect(await storedCounts()).toEqual({ units: 6, people: 18, routes: 2 });
    expect(summaries[0].created + summaries[1].created).toBe(26);
  });

  test('when a person leaves, gets a code later and a route changes, then the same records are updated', async () => {
    const { people } = createPeopleService();
    await importSampleOrganization(people);
    const maJun = await personId('马骏');
    const file = JSON.parse(sampleJson) as {
      people: { name: string; code?: string; active?: boolean; title?: string }[];
      routes: { steps: { approvers: string[] }[] }[];
    };
    file.people = file.people.map((person) =>
      person.name === '马骏'
        ? { ...person, code: 'QSZ003' }
        : person.name === '蒋明'
          ? { ...person, active: false }
          : person,
    );
    file.routes[0].steps[1].approvers = ['钱卫东'];

    const summary = await people.importOrganization(JSON.stringify(file), 'json', { byId: null });

    expect(summary).toMatchObject({ created: 0, updated: 3 });
    expect(await PersonModel.findById(maJun).lean()).toMatchObject({ code: 'QSZ003', importKey: 'code:QSZ003' });
    expect(await PersonModel.findOne({ name: '蒋明' }).lean()).toMatchObject({ active: false });
    const route = await ApprovalRouteModel.findOne({ unitId: await unitId('某县人民政府/县应急管理局') }).lean();
    expect(route?.steps[1].approverIds.map(String)).toEqual([await personId('钱卫东')]);
    const changed = await AuditEventModel.findOne({ action: 'person.updated', 'subject.id': maJun }).lean();
    expect(changed?.details).toMatchObject({ changed: ['importKey', 'code'] });
  });

  test('when a route names an account of the registry, then it is stored for that account', async () => {
    const { people } = createPeopleService({ accounts });
    await importSampleOrganization(people);
    const bureau = await unitId('某县人民政府/县应急管理局');
    const account = await createAccount({
      unitId: new Types.ObjectId(bureau),
      name: '某县应急管理',
      platform: 'weibo',
    });
    const file = JSON.parse(sampleJson) as { routes: unknown[] };
    file.routes.push({
      unit: '某县人民政府/县应急管理局',
      account: '某县应急管理',
      steps: [{ approvers: ['王建华'] }],
    });

    expect(await people.importOrganization(JSON.stringify(file), 'json', { byId: null })).toMatchObject({
      routes: 3,
      created: 1,
    });
    expect(await ApprovalRouteModel.findOne({ accountId: account._id }).lean()).toMatchObject({
      accountKey: String(account._id),
    });
  });

  test('when the file is bad, then the import is refused naming the problem and nothing is written', async () => {
    const { people } = createPeopleService({ accounts });
    const file = JSON.parse(sampleJson) as { routes: unknown[] };
    file.routes.push({ unit: '某县人民政府/县教育局', account: '不存在的公众号', steps: [{ approvers: ['吴国庆'] }] });

    await expect(people.importOrganization(JSON.stringify(file), 'json', { byId: null })).rejects.toMatchObject({
      code: 'ORGANIZATION_FILE_INVALID',
      message:
        '组织架构文件有误：审核路由第 3 条（某县人民政府/县教育局）：“某县人民政府/县教育局”没有名为“不存在的公众号”的账号（按账号配置审核路由前，账号须已在账号台账中登记）',
    });
    await expect(people.importOrganization('{"units": []}', 'json', { byId: null })).rejects.toMatchObject({
      code: 'ORGANIZATION_FILE_INVALID',
    });
    expect(await storedCounts()).toEqual({ units: 0, people: 0, routes: 0 });
  });
});
