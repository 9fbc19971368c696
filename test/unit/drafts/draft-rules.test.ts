import { decide } from '../../../src/drafts/draft-decision-rules';
import {
  handOver,
  reportPublished,
  revise,
  revokeApproval,
  startReview,
  withdraw,
} from '../../../src/drafts/draft-lifecycle-rules';
import { hashContent } from '../../../src/drafts/draft-content-rules';
import { pendingApprovers } from '../../../src/drafts/approval-step-rules';
import { storedFields, unsubmitted } from '../../../src/drafts/draft-store';
import { applied, apply, submittedState, unsubmittedState } from './review-state-fixtures';
import type { StepPlan } from './review-state-fixtures';

const now = new Date('2026-11-26T02:00:00Z');
const version = {
  number: 1,
  title: '通知',
  body: '正文',
  reprint: null,
  attachmentHashes: [],
  sourceUrl: '',
  contentHash: hashContent({ title: '通知', body: '正文' }),
};

function draftWith(steps: StepPlan[], ccIds: string[] = []) {
  return submittedState(steps, version, now, ccIds);
}

const baseState = unsubmittedState;

const approve = (deciderId: string, extra: Partial<Parameters<typeof decide>[1]> = {}) => ({
  deciderId,
  standsInFor: [],
  decision: 'approve' as const,
  comment: '',
  versionNumber: null,
  stepNumber: null,
  now,
  ...extra,
});

describe('review routing', () => {
  test('when a draft starts, then step 1 approvers are asked and the officer told', () => {
    const outcome = applied(
      startReview({
        submitterId: 'officer',
        version,
        now,
        route: { steps: [{ mode: 'any', approverIds: ['head'], backupApproverIds: [] }], ccIds: [] },
      }),
    );
    expect(outcome.changes).toMatchObject({ status: 'in_review' });
    expect(pendingApprovers(apply(baseState(), outcome))).toEqual(['head']);
    expect(outcome.notifications.map((n) => [n.kind, n.recipientId])).toEqual([
      ['review-request', 'head'],
      ['submitter-update', 'officer'],
    ]);
  });

  test('when a route has no approver, then the draft is refused with a way out', () => {
    const outcome = startReview({ submitterId: 'officer', version, now, route: { steps: [], ccIds: [] } });
    expect(outcome).toMatchObject({ refused: true, code: 'ROUTE_HAS_NO_APPROVER' });
  });

  test('when a two-step route is approved step by step, then the draft is approved and cc informed', () => {
    let state = draftWith(
      [
        { mode: 'any', approverIds: ['head'] },
        { mode: 'any', approverIds: ['director'] },
      ],
      ['office'],
    );
    const first = applied(decide(state, approve('head')));
    expect(first.changes).toMatchObject({ currentStepIndex: 1 });
    expect(pendingApprovers(apply(state, first))).toEqual(['director']);
    expect(first.notifications.map((n) => n.kind)).toEqual(['decision-echo', 'submitter-update', 'review-request']);
    state = apply(state, first);
    const second = applied(decide(state, approve('director', { comment: '可以发' })));
    expect(second.changes.status).toBe('approved');
    expect(second.notifications.map((n) => [n.kind, n.recipientId])).toContainEqual(['cc-approved', 'office']);
    expect(second.events[0]).toMatchObject({ action: 'draft.approved', actorId: 'director', reason: '可以发' });
  });

  test('when a 会签 step has three approvers, then it completes only after all three', () => {
    let state = draftWith([{ mode: 'all', approverIds: ['a', 'b', 'c'] }]);
    state = apply(state, decide(state, approve('a')));
    state = apply(state, decide(state, approve('b')));
    expect(state.status).toBe('in_review');
    expect(pendingApprovers(state)).toEqual(['c']);
    state = apply(state, decide(state, approve('c')));
    expect(state.status).toBe('approved');
  });

  test('when one 会签 approver rejects, then the draft is rejected', () => {
    let state = draftWith([{ mode: 'all', approverIds: ['a', 'b'] }]);
    state = apply(state, decide(state, approve('a')));
    state = apply(state, decide(state, approve('b', { decision: 'reject', comment: '数据不对' })));
    expect(state.status).toBe('rejected');
  });
});

describe('who may decide', () => {
  const state = draftWith([{ mode: 'any', approverIds: ['head'], backupApproverIds: ['deputy'] }]);

  test.each([
    ['someone else', approve('stranger'), 'NOT_DESIGNATED_APPROVER'],
    ['the submitter', approve('officer'), 'OWN_DRAFT'],
    ['a rejection without reason', approve('head', { decision: 'reject' }), 'REJECTION_REASON_REQUIRED'],
    ['a reply to an old version', approve('head', { versionNumber: 2 }), 'DRAFT_VERSION_SUPERSEDED'],
  ])('when %s replies, then it is refused', (_case, input, code) => {
    expect(decide(state, input)).toMatchObject({ refused: true, code });
  });

  test('when the backup approver approves, then it counts', () => {
    expect(apply(state, decide(state, approve('deputy'))).status).toBe('approved');
  });

  test('when a delegate stands in for the approver, then the decision says on behalf of', () => {
    const outcome = applied(decide(state, approve('delegate', { standsInFor: ['head'] })));
    expect(outcome.events[0]).toMatchObject({ actorId: 'delegate', onBehalfOfId: 'head' });
  });

  test('when the approver repeats a decision, then the reply says it is already recorded', () => {
    const approved = apply(state, decide(state, approve('head')));
    expect(decide(approved, approve('head'))).toMatchObject({ refused: true, alreadyRecorded: true });
  });

  test('when an item is handed over, then the colleague decides on behalf of the approver', () => {
    const handed = apply(state, handOver(state, { byId: 'head', toId: 'colleague', standsInFor: [], now }));
    expect(pendingApprovers(handed)).toEqual(['colleague', 'deputy']);
    expect(decide(handed, approve('stranger'))).toMatchObject({ refused: true, code: 'NOT_DESIGNATED_APPROVER' });
    const outcome = applied(decide(handed, approve('colleague')));
    expect(outcome.events[0]).toMatchObject({ actorId: 'colleague', onBehalfOfId: 'head' });
  });
});

describe('an answer to a review request decides the step it was sent for (issue 21)', () => {
  const twoSteps = (second: { approverIds: string[]; backupApproverIds?: string[] }) =>
    draftWith([
      { mode: 'any', approverIds: ['head'] },
      { mode: 'any', ...second },
    ]);
  /** A reply quoting the request of `step` (version 1), or a click on its card. */
  const answering = (step: number | null, deciderId = 'head', extra = {}) =>
    approve(deciderId, { versionNumber: 1, stepNumber: step, ...extra });

  test.each([
    ['the backup of step 2', twoSteps({ approverIds: ['director'], backupApproverIds: ['head'] }), {}],
    ['named in both steps', twoSteps({ approverIds: ['director', 'head'] }), {}],
    ['the delegate of the step-2 approver', twoSteps({ approverIds: ['director'] }), { standsInFor: ['director'] }],
  ])(
    'when the step-1 approver, also %s, answers the step-1 request again, then it is refused as handled and nothing changes',
    (_case, state, extra) => {
      const atStepTwo = apply(state, decide(state, answering(1, 'head', extra)));
      expect(atStepTwo.currentStepIndex).toBe(1);
      expect(decide(atStepTwo, answering(1, 'head', extra))).toEqual({
        refused: true,
        kind: 'conflict',
        code: 'STEP_ALREADY_HANDLED',
        message: '稿件 #K7Q2 第1步已处理，本次操作未生效。发送“查看 K7Q2”可看审核进度。',
        alreadyRecorded: false,
      });
      // The request of step 2 (or a typed 同意 K7Q2) still decides step 2 for them.
      expect(applied(decide(atStepTwo, answering(2, 'head', extra))).changes.status).toBe('approved');
      expect(applied(decide(atStepTwo, approve('head', extra))).changes.status).toBe('approved');
    },
  );

  test('when an approval is revoked back to step 1, then a step-2 request is refused as no longer open', () => {
    let state = twoSteps({ approverIds: ['director'] });
    state = apply(state, decide(state, approve('head')));
    state = apply(state, revokeApproval(state, { byId: 'head', reason: '再核', now }));
    expect(decide(state, answering(2, 'director'))).toMatchObject({
      refused: true,
      code: 'STEP_NOT_OPEN',
      message: '稿件 #K7Q2 已回到第1步审核，第2步的审核请求已失效，本次操作未生效。发送“查看 K7Q2”可看审核进度。',
    });
    expect(applied(decide(state, answering(1))).changes.currentStepIndex).toBe(1);
  });

  test('when a quoted message names no step, then it decides a one-step route and is refused on a longer one', () => {
    const oneStep = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    expect(applied(decide(oneStep, answering(null))).changes.status).toBe('approved');
    expect(decide(twoSteps({ approverIds: ['director'] }), answering(null))).toMatchObject({
      refused: true,
      code: 'DECISION_STEP_UNKNOWN',
      message:
        '您点击的卡片或引用的消息未注明审核步骤，本次操作未生效。请直接回复“同意 K7Q2 [意见]”或“驳回 K7Q2 理由”。',
    });
  });

  test('when an answer names an old version, then the version refusal comes first', () => {
    const state = twoSteps({ approverIds: ['director'] });
    expect(decide(state, answering(1, 'head', { versionNumber: 2 }))).toMatchObject({
      code: 'DRAFT_VERSION_SUPERSEDED',
    });
  });
});

describe('after a decision', () => {
  test('when a rejected draft is revised, then it goes through the route again and shows the change', () => {
    let state = draftWith([
      { mode: 'any', approverIds: ['head'] },
      { mode: 'any', approverIds: ['director'] },
    ]);
    state = apply(state, decide(state, approve('head')));
    state = apply(state, decide(state, approve('director', { decision: 'reject', comment: '改标题' })));
    const body = '新正文';
    const outcome = applied(
      revise(state, {
        byId: 'officer',
        version: {
          title: '新通知',
          body,
          sourceUrl: '',
          reprint: null,
          attachmentHashes: [],
          contentHash: hashContent({ title: '新通知', body }),
        },
        now,
      }),
    );
    expect(outcome.changes).toMatchObject({
      status: 'in_review',
      currentVersion: 2,
      currentStepIndex: 0,
    });
    expect(pendingApprovers(apply(state, outcome))).toEqual(['head']);
    expect(outcome.notifications[0]).toMatchObject({
      kind: 'review-request',
      recipientId: 'head',
      previousVersionNumber: 1,
    });
  });

  test('when the same content is sent as a revision, then no new version is made', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    expect(revise(state, { byId: 'officer', version: { ...version }, now })).toMatchObject({ code: 'DRAFT_UNCHANGED' });
  });

  test('when publication is reported before approval, then it is refused (R1)', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    expect(reportPublished(state, { byId: 'officer', url: 'https://x.cn/a', now })).toMatchObject({
      code: 'DRAFT_NOT_APPROVED',
    });
    const approved = apply(state, decide(state, approve('head')));
    expect(reportPublished(approved, { byId: 'officer', url: 'not a link', now })).toMatchObject({
      code: 'PUBLICATION_LINK_INVALID',
    });
    expect(apply(approved, reportPublished(approved, { byId: 'officer', url: 'https://x.cn/a', now })).status).toBe(
      'published',
    );
  });

  test('when an approver revokes an approval, then the draft is back in review at that step', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    const approved = apply(state, decide(state, approve('head')));
    expect(revokeApproval(approved, { byId: 'head', reason: '', now })).toMatchObject({
      code: 'REVOCATION_REASON_REQUIRED',
    });
    const revoked = apply(approved, revokeApproval(approved, { byId: 'head', reason: '数据再核', now }));
    expect(revoked).toMatchObject({ status: 'in_review', currentStepIndex: 0 });
    expect(pendingApprovers(revoked)).toEqual(['head']);
  });

  test('when the officer withdraws, then the draft closes and pending approvers are told', () => {
    const state = draftWith([{ mode: 'any', approverIds: ['head'] }]);
    const outcome = applied(withdraw(state, { byId: 'officer' }));
    expect(outcome.changes).toMatchObject({ status: 'withdrawn' });
    expect(outcome.notifications).toContainEqual({ kind: 'revoked', recipientId: 'head' });
    expect(withdraw(state, { byId: 'head' })).toMatchObject({ code: 'NOT_SUBMITTER' });
  });
});

// The rules return review state only; draft-store derives what only storage needs when it writes.
describe('the fields only storage needs, derived when changes are written', () => {
  const twoSteps = [
    { mode: 'any' as const, approverIds: ['head'] },
    { mode: 'any' as const, approverIds: ['director'] },
  ];

  test('when a draft is submitted, then step 1 approvers are pending and its code is held (no closed key)', () => {
    const route = { steps: twoSteps.map((step) => ({ ...step, backupApproverIds: [] })), ccIds: [] };
    const outcome = applied(startReview({ submitterId: 'officer', version, now, route }));
    expect(storedFields(outcome.changes, unsubmitted('draft-1'))).toMatchObject({
      status: 'in_review',
      pendingApproverIds: ['head'],
      closedKey: '',
    });
  });

  test('when a step is approved, then the next step’s approvers are pending and the closed key is not written', () => {
    const state = draftWith(twoSteps);
    const fields = storedFields(applied(decide(state, approve('head'))).changes, state);
    expect(fields).toMatchObject({ currentStepIndex: 1, pendingApproverIds: ['director'] });
    expect(fields).not.toHaveProperty('closedKey');
  });

  test('when a draft is withdrawn or published, then nobody is pending and the closed key frees its code', () => {
    const state = draftWith(twoSteps);
    expect(storedFields(applied(withdraw(state, { byId: 'officer' })).changes, state)).toMatchObject({
      status: 'withdrawn',
      pendingApproverIds: [],
      closedKey: 'draft-1',
    });
    const halfway = apply(state, decide(state, approve('head')));
    const approved = apply(halfway, decide(halfway, approve('director')));
    const published = applied(reportPublished(approved, { byId: 'officer', url: 'https://x.cn/a', now }));
    expect(storedFields(published.changes, approved)).toMatchObject({
      status: 'published',
      pendingApproverIds: [],
      closedKey: 'draft-1',
    });
  });
});

describe('content hash', () => {
  test('when only line endings or trailing spaces differ, then the hash is the same', () => {
    expect(hashContent({ title: '通知', body: '第一段  \r\n第二段' })).toBe(
      hashContent({ title: '通知', body: '第一段\n第二段' }),
    );
    expect(hashContent({ title: '通知', body: '第一段' })).not.toBe(hashContent({ title: '通知', body: '第一段。' }));
  });
});
