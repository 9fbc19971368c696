import { revise } from '../../../src/drafts/draft-lifecycle-rules';
import { hashContent } from '../../../src/drafts/draft-content-rules';
import { pendingApprovers } from '../../../src/drafts/approval-step-rules';
import type { ReviewState } from '../../../src/drafts/review-state';
import { applied, apply, approval, submittedState } from './review-state-fixtures';
import type { StepPlan } from './review-state-fixtures';
import { handOverFromLeaver, leaverItems } from '../../../src/drafts/leaver-handover-rules';
import type { LeaverHandoverInput } from '../../../src/drafts/leaver-handover-rules';

const now = new Date('2026-11-26T02:00:00Z');
const content = { title: '通知', body: '正文' };
const version = {
  number: 1,
  ...content,
  reprint: null,
  attachmentHashes: [],
  sourceUrl: '',
  contentHash: hashContent(content),
};

/** A draft in review at step 1 of `steps`, submitted by "officer". */
function draftWith(steps: StepPlan[]) {
  return submittedState(steps, version, new Date('2026-11-27T02:00:00Z'));
}

const unbind = (input: Partial<LeaverHandoverInput> = {}): LeaverHandoverInput => ({
  leaverId: 'head',
  byId: 'admin',
  delegateId: null,
  unavailableIds: [],
  reason: '解绑',
  now,
  ...input,
});

const approve = (state: ReviewState, deciderId: string) => approval(state, deciderId, now);

describe('an unbind moves the pending items of the person who left', () => {
  test('when the approver of the step in review leaves, then the backup is asked, the submitter told, and the event names admin, leaver, backup and 解绑', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]);

    const outcome = applied(handOverFromLeaver(state, unbind()));

    expect(outcome.events).toEqual([
      {
        action: 'draft.handed-over',
        actorId: 'admin',
        onBehalfOfId: 'head',
        versionNumber: 1,
        reason: '解绑',
        details: { cause: 'unbind', from: 'head', to: ['deputy'], moves: [{ step: 1, for: 'head', to: 'deputy' }] },
      },
    ]);
    expect(outcome.notifications).toEqual([
      expect.objectContaining({ kind: 'review-request', recipientId: 'deputy', replacedId: 'head', stepNumber: 1 }),
      { kind: 'reviewer-changed', recipientId: 'officer', replacedId: 'head', comment: '解绑' },
    ]);
    expect(pendingApprovers(apply(state, outcome))).toEqual(['deputy']);
  });

  test('when the backup approves after the move, then the step is decided; the one who left can no longer decide', () => {
    const moved = apply(
      draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]),
      handOverFromLeaver(draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]), unbind()),
    );

    const late = approve(moved, 'head');
    expect(late).toMatchObject({ refused: true, code: 'NOT_DESIGNATED_APPROVER' });
    expect(apply(moved, approve(moved, 'deputy')).status).toBe('approved');
  });

  test('when the one who left has a delegate in force, then the delegate takes the item before the backup', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]);
    const outcome = applied(handOverFromLeaver(state, unbind({ delegateId: 'stand-in' })));
    expect(outcome.notifications[0]).toMatchObject({ kind: 'review-request', recipientId: 'stand-in' });
    const moved = apply(state, outcome);
    const decided = apply(moved, approve(moved, 'stand-in'));
    expect(decided.status).toBe('approved');
    expect(decided.steps[0].decisions).toMatchObject([{ approverId: 'stand-in', onBehalfOfId: 'head' }]);
  });

  test('when the step has no backup and no delegate, or the backup has left too, then nothing moves and the item is reported', () => {
    const lone = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    expect(leaverItems(lone, unbind())).toEqual([
      { stepNumber: 1, forId: 'head', toId: null, current: true, covered: false },
    ]);
    expect(handOverFromLeaver(lone, unbind())).toMatchObject({ refused: true, code: 'NOTHING_TO_HAND_OVER' });

    const backupGone = draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]);
    expect(leaverItems(backupGone, unbind({ unavailableIds: ['deputy'] }))[0].toId).toBeNull();
  });

  test('when the one who left is on a later step, then that step moves too and its backup is asked once the draft gets there', () => {
    const state = draftWith([
      { mode: 'any', approverIds: ['clerk'] },
      { mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] },
    ]);
    const outcome = applied(handOverFromLeaver(state, unbind()));
    expect(outcome.notifications).toEqual([]);

    const atStepTwo = applied(approve(apply(state, outcome), 'clerk'));
    expect(atStepTwo.notifications).toContainEqual(
      expect.objectContaining({ kind: 'review-request', recipientId: 'deputy', replacedId: 'head', stepNumber: 2 }),
    );
    expect(atStepTwo.notifications.some((notification) => notification.recipientId === 'head')).toBe(false);
  });

  test('when the draft is revised after the move, then the new version goes to the backup, and earlier steps keep their decisions', () => {
    const twoSteps = draftWith([
      { mode: 'any', approverIds: ['clerk'] },
      { mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] },
    ]);
    const atStepTwo = apply(twoSteps, approve(twoSteps, 'clerk'));
    const moved = apply(atStepTwo, handOverFromLeaver(atStepTwo, unbind()));
    expect(moved.steps[0].decisions).toMatchObject([{ approverId: 'clerk', decision: 'approve' }]);

    const revised = revise(moved, {
      byId: 'officer',
      version: { ...version, body: '新正文', contentHash: hashContent({ title: '通知', body: '新正文' }) },
      now,
    });
    const atStepTwoAgain = apply(apply(moved, revised), approve(apply(moved, revised), 'clerk'));
    expect(pendingApprovers(atStepTwoAgain)).toEqual(['deputy']);
  });

  test('when one of two 会签 approvers leaves, then the backup stands in for them and both approvals complete the step', () => {
    const state = draftWith([{ mode: 'all', approverIds: ['head', 'other'], backupApproverIds: ['deputy'] }]);
    const moved = apply(state, handOverFromLeaver(state, unbind()));
    expect(pendingApprovers(moved).sort()).toEqual(['deputy', 'other']);
    const half = apply(moved, approve(moved, 'deputy'));
    expect(half.status).toBe('in_review');
    expect(apply(half, approve(half, 'other')).status).toBe('approved');
  });

  test('when another 或签 approver still answers and there is no backup, then the item is not reported as stranded', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head', 'other'] }]);
    expect(leaverItems(state, unbind())).toMatchObject([{ toId: null, covered: true }]);
  });

  test('when the draft is not in review, then nothing waits on anyone', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]);
    const approved = apply(state, approve(state, 'head'));
    expect(leaverItems(approved, unbind())).toEqual([]);
    expect(handOverFromLeaver(approved, unbind())).toMatchObject({ refused: true, code: 'DRAFT_NOT_IN_REVIEW' });
  });
});
