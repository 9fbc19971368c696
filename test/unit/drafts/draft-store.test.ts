import { decide } from '../../../src/drafts/draft-decision-rules';
import { reportPublished, startReview, withdraw } from '../../../src/drafts/draft-lifecycle-rules';
import { hashContent } from '../../../src/drafts/draft-content-rules';
import { storedFields, unsubmitted } from '../../../src/drafts/draft-store';
import { isRefusal } from '../../../src/drafts/review-state';
import type { ReviewState, RuleOutcome, TransitionResult } from '../../../src/drafts/review-state';

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
const route = {
  steps: [
    { mode: 'any' as const, approverIds: ['head'], backupApproverIds: [] },
    { mode: 'any' as const, approverIds: ['director'], backupApproverIds: [] },
  ],
  ccIds: [],
};

function applied(outcome: RuleOutcome): TransitionResult {
  if (isRefusal(outcome)) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

function submitted(): ReviewState {
  const { changes } = applied(startReview({ submitterId: 'officer', version, now, route }));
  return {
    ...unsubmitted('draft-1'),
    shortCode: 'K7Q2',
    submitterId: 'officer',
    versions: [],
    ccIds: [],
    publication: { url: '', publishedAt: null, reportedById: null },
    ...changes,
  };
}

const approve = (deciderId: string) => ({
  deciderId,
  standsInFor: [],
  decision: 'approve' as const,
  comment: '',
  versionNumber: null,
  stepNumber: null,
  now,
});

describe('the fields only storage needs, derived when changes are written', () => {
  test('when a draft is submitted, then step 1 approvers are pending and its code is held (no closed key)', () => {
    const { changes } = applied(startReview({ submitterId: 'officer', version, now, route }));
    expect(storedFields(changes, unsubmitted('draft-1'))).toMatchObject({
      status: 'in_review',
      pendingApproverIds: ['head'],
      closedKey: '',
    });
  });

  test('when a step is approved, then the next step’s approvers are pending and the closed key is not written', () => {
    const state = submitted();
    const fields = storedFields(applied(decide(state, approve('head'))).changes, state);
    expect(fields).toMatchObject({ currentStepIndex: 1, pendingApproverIds: ['director'] });
    expect(fields).not.toHaveProperty('closedKey');
  });

  test('when a draft is withdrawn or published, then nobody is pending and the closed key frees its code', () => {
    const state = submitted();
    expect(storedFields(applied(withdraw(state, { byId: 'officer' })).changes, state)).toMatchObject({
      status: 'withdrawn',
      pendingApproverIds: [],
      closedKey: 'draft-1',
    });
    let approved = { ...state, ...applied(decide(state, approve('head'))).changes };
    approved = { ...approved, ...applied(decide(approved, approve('director'))).changes };
    const published = applied(reportPublished(approved, { byId: 'officer', url: 'https://x.cn/a', now }));
    expect(storedFields(published.changes, approved)).toMatchObject({
      status: 'published',
      pendingApproverIds: [],
      closedKey: 'draft-1',
    });
  });
});
