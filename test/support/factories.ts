/**
 * Factories that write real records with sensible defaults; each test overrides what it cares about.
 */
import { Types } from 'mongoose';
import { UnitModel } from '../../src/people/unit-model';
import type { Unit } from '../../src/people/unit-model';
import { PersonModel } from '../../src/people/person-model';
import type { Person } from '../../src/people/person-model';
import { AccountModel } from '../../src/accounts/account-model';
import type { Account } from '../../src/accounts/account-model';
import { DraftModel } from '../../src/drafts/draft-model';
import type { Draft } from '../../src/drafts/draft-model';
import { storedListing, writeListing } from '../../src/drafts/draft-store';

let counter = 0;
const next = () => ++counter;

export async function createUnit(overrides: Partial<Unit> = {}) {
  return UnitModel.create({ name: `测试单位${next()}`, kind: 'department', ...overrides });
}

export async function createPerson(overrides: Partial<Person> = {}) {
  return PersonModel.create({ name: `测试人员${next()}`, roles: ['officer'], ...overrides });
}

export async function createAccount(overrides: Partial<Account> = {}) {
  const unitId = overrides.unitId ?? (await createUnit())._id;
  const leader = overrides.leaderInChargeId ?? (await createPerson({ roles: ['leader'], unitIds: [unitId] }))._id;
  return AccountModel.create({
    unitId,
    platform: 'wechat-official-account',
    name: `测试公众号${next()}`,
    purpose: '政务信息发布',
    leaderInChargeId: leader,
    backendAdminId: leader,
    ...overrides,
  });
}

/**
 * A draft as stored, with its listing (what the lists read). It keeps no timeline, as a draft stored
 * before timelines were: its timeline is read from the events a test appends about it.
 */
export async function createDraft(overrides: Partial<Draft> = {}) {
  const unitId = overrides.unitId ?? (await createUnit())._id;
  const submitterId = overrides.submitterId ?? (await createPerson({ unitIds: [unitId] }))._id;
  const approverId = new Types.ObjectId();
  const draft = await DraftModel.create({
    shortCode: `T${String(next()).padStart(3, '0')}`,
    unitId,
    submitterId,
    versions: [
      {
        number: 1,
        title: '关于开展安全生产检查的通知',
        body: '正文',
        contentHash: 'a'.repeat(64),
        createdById: submitterId,
        createdAt: new Date(),
      },
    ],
    steps: [{ mode: 'any', approverIds: [approverId], status: 'pending' }],
    pendingApproverIds: [approverId],
    ...overrides,
  });
  await writeListing(storedListing(draft.toObject<Draft>()));
  return draft;
}
