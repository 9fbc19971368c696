/**
 * Sample records for the API fuzz run (scripts/api-fuzz.sh), after the sample organisation is
 * imported: a branch admin (韩梅, admin of 县应急管理局 only, for the fuzz pass with a branch admin's
 * token), drafts in review (one approved at its first step, one revised), and an account applied
 * for and one opened and filed, so the routes that take a draft or an account id have real ones to
 * follow through the OpenAPI links. `MONGODB_URI=… npx tsx scripts/api-fuzz-seed.ts`
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/shared/config';
import { openDatabase } from '../src/shared/database';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/logger';
import { createServices } from '../src/services';
import { PersonModel } from '../src/people/person-model';
import { UnitModel } from '../src/people/unit-model';
import '../src/models';

async function idOfPerson(name: string): Promise<string> {
  const person = await PersonModel.findOne({ name }, { _id: 1 }).lean();
  if (!person) throw new Error(`the sample organisation has no ${name}: import it first`);
  return String(person._id);
}

async function idOfUnit(name: string): Promise<string> {
  const unit = await UnitModel.findOne({ name }, { _id: 1 }).lean();
  if (!unit) throw new Error(`the sample organisation has no ${name}: import it first`);
  return String(unit._id);
}

/** The branch admin the second fuzz pass runs as (scripts/api-fuzz.sh issues their token). */
const branchAdmin = {
  name: '韩梅',
  code: 'YJJ006',
  unit: '某县人民政府/县应急管理局',
  title: '办公室科员',
  roles: ['管理员'],
  adminOf: '某县人民政府/县应急管理局',
};

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('warn');
  const database = await openDatabase(config);
  const services = createServices({ clock: systemClock, logger, timeZone: config.timeZone });
  const sample = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'docs', 'sample-organization.json'), 'utf8'),
  ) as { people: object[] };
  await services.organization.importOrganization(
    JSON.stringify({ ...sample, people: [...sample.people, branchAdmin] }),
    'json',
    { byId: null, via: 'api-fuzz-seed' },
  );
  const officer = { personId: await idOfPerson('刘洋'), via: 'api-fuzz-seed' };
  const leader = { personId: await idOfPerson('孙丽'), via: 'api-fuzz-seed' };
  const admin = { personId: await idOfPerson('李静'), via: 'api-fuzz-seed' };

  await services.drafts.submitDraft(officer, { title: '关于开展防汛演练的通知', body: '定于周五上午开展防汛演练。' });
  const approved = await services.drafts.submitDraft(officer, {
    title: '关于冬季供暖的通知',
    body: '供暖时间为11月15日至次年3月15日。',
  });
  await services.drafts.decide(leader, { code: approved.code, decision: 'approve', comment: '', versionNumber: null });
  const revised = await services.drafts.submitDraft(officer, {
    title: '关于调整办事时间的通知',
    body: '窗口周六休息。',
  });
  await services.drafts.decide(leader, {
    code: revised.code,
    decision: 'reject',
    comment: '请写明起止日期',
    versionNumber: null,
  });
  await services.drafts.revise(officer, {
    code: revised.code,
    title: '关于调整办事时间的通知',
    body: '自12月1日起窗口周六休息。',
  });

  const unitId = await idOfUnit('县应急管理局');
  const application = {
    unitId,
    purpose: '发布预警和应急科普',
    scope: '本单位职能范围内的政务信息',
    leaderInChargeId: await idOfPerson('王建华'),
    backendAdminId: officer.personId,
    backendAdminPhone: '0310-7654321',
    openedOn: '2026-11-20',
  };
  await services.accounts.apply(admin, { ...application, platform: 'weibo', name: '应急微博' });
  const opened = await services.accounts.apply(admin, {
    ...application,
    platform: 'wechat-official-account',
    name: '应急发布',
  });
  await services.accounts.decideOpening(admin, String(opened._id), {
    decision: 'approve',
    reason: '',
    documentNumber: '县政办〔2026〕1号',
  });
  await services.accounts.fileOpening(admin, String(opened._id), '材料齐全');

  await services.audit.settle();
  await database.close();
  process.stdout.write(`api-fuzz-seed: branch admin ${branchAdmin.name}, 3 drafts, 2 accounts\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`api-fuzz-seed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
