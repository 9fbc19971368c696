import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { createAccount, createDraft, createPerson, createUnit } from '../../support/factories';
import { UnitModel } from '../../../src/people/unit-model';
import { IdentityBindingModel } from '../../../src/people/identity-binding-model';
import { AccountModel } from '../../../src/accounts/account-model';
import { DraftModel } from '../../../src/drafts/draft-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { JobRunModel } from '../../../src/jobs/job-run-model';
import { ConflictError } from '../../../src/shared/errors';
import { isUniqueConflict } from '../../../src/shared/database';
import { RevisionClaimModel, applyAtRevision } from '../../../src/shared/claimed-write';

beforeAll(connectTestDatabase);
afterAll(disconnectTestDatabase);

describe('models against the real database', () => {
  test('when a unit tree is saved, then a subtree is found by its ancestor', async () => {
    const government = await createUnit({ name: '某县人民政府', kind: 'government' });
    const department = await createUnit({
      name: '县应急管理局',
      parentId: government._id,
      ancestorIds: [government._id],
    });
    await createUnit({
      name: '办公室',
      kind: 'office',
      parentId: department._id,
      ancestorIds: [government._id, department._id],
    });

    const subtree = await UnitModel.find({ ancestorIds: department._id }).lean();
    expect(subtree.map((unit) => unit.name)).toEqual(['办公室']);
  });

  test('when a draft with versions and a route is saved, then it loads with every field', async () => {
    const draft = await createDraft();
    const loaded = await DraftModel.findById(draft._id).lean();
    expect(loaded).toMatchObject({
      shortCode: draft.shortCode,
      status: 'in_review',
      closedKey: '',
      currentVersion: 1,
      versions: [{ number: 1, title: '关于开展安全生产检查的通知', contentHash: 'a'.repeat(64) }],
      steps: [{ mode: 'any', status: 'pending' }],
    });
  });

  test('when a second account is opened on the same platform for the same unit, then a conflict names the rule', async () => {
    const account = await createAccount();
    const duplicate = createAccount({ unitId: account.unitId, platform: account.platform, name: '另一个公众号' });
    await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
    await expect(duplicate).rejects.toMatchObject({ code: 'ACCOUNT_PLATFORM_TAKEN', status: 409 });
    expect(await AccountModel.countDocuments({ unitId: account.unitId })).toBe(1);
  });

  test('when the account is closed, then the unit may open a new one on that platform', async () => {
    const account = await createAccount();
    await AccountModel.updateOne({ _id: account._id }, { status: 'closed', closedKey: String(account._id) });
    await createAccount({ unitId: account.unitId, platform: account.platform });
    expect(await AccountModel.countDocuments({ unitId: account.unitId })).toBe(2);
  });

  test('when two open drafts get the same short code, then the second is refused; a closed draft frees it', async () => {
    const draft = await createDraft({ shortCode: 'K7Q2' });
    await expect(createDraft({ shortCode: 'K7Q2' })).rejects.toMatchObject({ code: 'DRAFT_CODE_TAKEN' });

    await DraftModel.updateOne({ _id: draft._id }, { status: 'withdrawn', closedKey: String(draft._id) });
    await expect(createDraft({ shortCode: 'K7Q2' })).resolves.toBeDefined();
  });

  test('when an update would duplicate a unique key, then it is refused with the same domain error', async () => {
    await createDraft({ shortCode: 'AB23' });
    const other = await createDraft({ shortCode: 'CD45' });
    await expect(DraftModel.updateOne({ _id: other._id }, { shortCode: 'AB23' })).rejects.toMatchObject({
      code: 'DRAFT_CODE_TAKEN',
    });
  });

  test('when a write is refused on a unique key, then isUniqueConflict answers yes whether the model declared the conflict or not', async () => {
    // DraftModel declares its unique short code (a ConflictError); a revision claim has only its _id (the raw error).
    await createDraft({ shortCode: 'EF67' });
    const declared = await createDraft({ shortCode: 'EF67' }).catch((error: unknown) => error);
    expect(declared).toBeInstanceOf(ConflictError);
    expect(isUniqueConflict(declared)).toBe(true);
    const other = await createDraft({ shortCode: 'GH89' });
    const updated = await DraftModel.updateOne({ _id: other._id }, { shortCode: 'EF67' }).catch(
      (error: unknown) => error,
    );
    expect(isUniqueConflict(updated)).toBe(true);

    const claim = { _id: `Draft:${String(other._id)}:0`, changes: [], claimedAt: new Date() };
    await RevisionClaimModel.create(claim);
    const raw = await RevisionClaimModel.create(claim).catch((error: unknown) => error);
    expect(raw).not.toBeInstanceOf(ConflictError);
    expect(isUniqueConflict(raw)).toBe(true);
  });

  test('when one chat identity is bound twice, then the second binding is refused', async () => {
    const person = await createPerson();
    const binding = {
      kind: 'chat' as const,
      provider: 'wechaty-puppet-mock',
      externalId: 'contact-1',
      boundAt: new Date(),
    };
    await IdentityBindingModel.create({ ...binding, personId: person._id });
    await expect(IdentityBindingModel.create({ ...binding, personId: new Types.ObjectId() })).rejects.toMatchObject({
      code: 'IDENTITY_ALREADY_BOUND',
    });
  });

  test('when an outbox message is enqueued twice with one idempotency key, then one message exists', async () => {
    const message = { idempotencyKey: 'draft:K7Q2:request:1', text: '请审核', notBefore: new Date() };
    await OutboxMessageModel.create(message);
    await expect(OutboxMessageModel.create(message)).rejects.toMatchObject({ code: 'OUTBOX_MESSAGE_EXISTS' });
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: message.idempotencyKey })).toBe(1);
  });

  test('when two processes claim the same job run, then exactly one claim succeeds', async () => {
    const run = { job: 'cadence-check', scheduledFor: new Date('2026-11-26T01:00:00Z'), startedAt: new Date() };
    const claims = await Promise.allSettled([
      JobRunModel.create({ ...run, claimedBy: 'process-a' }),
      JobRunModel.create({ ...run, claimedBy: 'process-b' }),
    ]);
    expect(claims.filter((claim) => claim.status === 'fulfilled')).toHaveLength(1);
    expect(claims.find((claim) => claim.status === 'rejected')).toMatchObject({ reason: { code: 'JOB_RUN_CLAIMED' } });
  });

  test('when eight writers move the same draft from one revision at once, then exactly one change is applied', async () => {
    const draft = await createDraft();
    const approvers = Array.from({ length: 8 }, () => new Types.ObjectId());
    const outcomes = await Promise.all(
      approvers.map((approverId) =>
        applyAtRevision(
          DraftModel,
          draft,
          { status: 'approved', pendingApproverIds: [], ccIds: [approverId] },
          new Date(),
        ),
      ),
    );

    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    const winner = approvers[outcomes.indexOf('applied')];
    const stored = await DraftModel.findById(draft._id).lean();
    expect(stored).toMatchObject({ status: 'approved', revision: draft.revision + 1 });
    expect(stored?.ccIds.map(String)).toEqual([String(winner)]);
  });

  test('when a writer crashed after claiming a revision, then the next writer completes that change and loses', async () => {
    const draft = await createDraft();
    const crashedChange = { status: 'withdrawn', closedKey: String(draft._id) };
    await RevisionClaimModel.create({
      _id: `Draft:${String(draft._id)}:${draft.revision}`,
      changes: Object.entries(crashedChange).map(([path, value]) => ({ path, value })),
      claimedAt: new Date(Date.now() - 60_000),
    });

    const outcome = await applyAtRevision(DraftModel, draft, { status: 'approved' }, new Date());

    expect(outcome).toBe('lost');
    expect(await DraftModel.findById(draft._id).lean()).toMatchObject({
      ...crashedChange,
      revision: draft.revision + 1,
    });
  });

  test("when a crashed writer's claim is found after the document moved on, then it is not written over the newer state", async () => {
    const draft = await createDraft();
    await DraftModel.updateOne({ _id: draft._id }, { $set: { status: 'approved', revision: 2 } });
    await RevisionClaimModel.create({
      _id: `Draft:${String(draft._id)}:0`,
      changes: [{ path: 'status', value: 'withdrawn' }],
      claimedAt: new Date(Date.now() - 60_000),
    });

    expect(await applyAtRevision(DraftModel, draft, { status: 'rejected' }, new Date())).toBe('lost');
    expect(await DraftModel.findById(draft._id).lean()).toMatchObject({ status: 'approved', revision: 2 });
  });

  test('when a change targets an old revision, then it is not applied', async () => {
    const draft = await createDraft();
    expect(await applyAtRevision(DraftModel, draft, { status: 'approved' }, new Date())).toBe('applied');
    expect(await applyAtRevision(DraftModel, draft, { status: 'rejected' }, new Date())).toBe('lost');
    expect(await DraftModel.findById(draft._id).lean()).toMatchObject({ status: 'approved', revision: 1 });
  });
});
