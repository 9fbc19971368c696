import { Types } from 'mongoose';
import { revise } from '../../../src/drafts/draft-lifecycle-rules';
import { hashContent, nextVersionContent } from '../../../src/drafts/draft-content-rules';
import {
  listingOf,
  mayHavePlatformRecords,
  mergedTimeline,
  timelineEntryOf,
  withTimelineEntry,
} from '../../../src/drafts/draft-listing-rules';
import type { ListingFacts } from '../../../src/drafts/draft-listing-rules';
import type { ReviewState } from '../../../src/drafts/review-state';
import { apply, approval, submittedState } from './review-state-fixtures';
import type { AuditEvent } from '../../../src/audit/audit-event-model';

const submittedAt = new Date('2026-11-26T01:00:00Z');
const facts: ListingFacts = {
  unitId: 'unit-1',
  accountId: null,
  versionCreatedAt: submittedAt,
  revision: 3,
  createdAt: submittedAt,
  updatedAt: new Date('2026-11-26T05:00:00Z'),
};

function submitted(steps: { approverIds: string[]; backupApproverIds: string[] }[]): ReviewState {
  const title = '关于开展防汛演练的通知';
  const version = { number: 1, title, body: '正文', sourceUrl: '', reprint: null, attachmentHashes: [] };
  return submittedState(
    steps.map((step) => ({ mode: 'any', ...step })),
    { ...version, contentHash: hashContent({ title, body: '正文' }) },
    submittedAt,
  );
}

const approve = (state: ReviewState, deciderId: string, at: Date) => apply(state, approval(state, deciderId, at));

describe('a draft listing', () => {
  test('when a draft waits at step 1 of 2, then its listing names the title, the step, whom it waits for and everyone on the route', () => {
    const state = submitted([
      { approverIds: ['leader-a'], backupApproverIds: ['backup-a'] },
      { approverIds: ['leader-b'], backupApproverIds: [] },
    ]);
    expect(listingOf(state, facts)).toEqual({
      _id: 'draft-1',
      shortCode: 'K7Q2',
      title: '关于开展防汛演练的通知',
      titles: ['关于开展防汛演练的通知'],
      unitId: 'unit-1',
      accountId: null,
      submitterId: 'officer',
      status: 'in_review',
      currentVersion: 1,
      versionCreatedAt: submittedAt,
      currentStepIndex: 0,
      stepCount: 2,
      approverIds: ['leader-a', 'leader-b'],
      backupApproverIds: ['backup-a'],
      pendingApproverIds: ['leader-a', 'backup-a'],
      approvedAt: null,
      publishedAt: null,
      revision: 3,
      createdAt: submittedAt,
      updatedAt: facts.updatedAt,
    });
  });

  test('when the last step approves, then the listing holds the time of the last approval of the current version', () => {
    const first = new Date('2026-11-26T02:00:00Z');
    const second = new Date('2026-11-26T03:00:00Z');
    let state = submitted([
      { approverIds: ['leader-a'], backupApproverIds: [] },
      { approverIds: ['leader-b'], backupApproverIds: [] },
    ]);
    state = approve(approve(state, 'leader-a', first), 'leader-b', second);
    const listing = listingOf(state, facts);
    expect(listing).toMatchObject({ status: 'approved', approvedAt: second, pendingApproverIds: [] });
  });

  test('when a revision changes the title, then the listing shows the new one and still finds the old one', () => {
    const state = submitted([{ approverIds: ['leader-a'], backupApproverIds: [] }]);
    const current = state.versions[0];
    const revised = apply(
      state,
      revise(state, {
        byId: 'officer',
        version: nextVersionContent(current, '关于开展防汛演练的通知（修改稿）', '新正文'),
        now: new Date('2026-11-26T04:00:00Z'),
      }),
    );
    expect(listingOf(revised, facts)).toMatchObject({
      title: '关于开展防汛演练的通知（修改稿）',
      titles: ['关于开展防汛演练的通知', '关于开展防汛演练的通知（修改稿）'],
      currentVersion: 2,
    });
  });
});

describe('a draft timeline', () => {
  const leaderId = new Types.ObjectId();
  const event = (sequence: number): AuditEvent => ({
    _id: sequence,
    key: `draft:draft-1:r${sequence}`,
    at: new Date(submittedAt.getTime() + sequence * 1000),
    actor: { personId: leaderId, onBehalfOfId: null, via: 'wechaty:contact' },
    action: 'draft.approved',
    subject: { type: 'draft', id: 'draft-1' },
    subjectVersion: 1,
    contentHash: 'a'.repeat(64),
    reason: '同意',
    details: { request: { command: 'decide' } },
    previousHash: '0'.repeat(64),
    hash: 'b'.repeat(64),
  });

  test('when an event is added, then the timeline keeps what the timeline shows of it, in sequence order', () => {
    const timeline = withTimelineEntry([timelineEntryOf(event(7))], event(5));
    expect(timeline.map((entry) => entry.sequence)).toEqual([5, 7]);
    expect(timeline[0]).toEqual({
      sequence: 5,
      at: event(5).at,
      action: 'draft.approved',
      actor: { personId: leaderId, onBehalfOfId: null, via: 'wechaty:contact' },
      subjectVersion: 1,
      contentHash: 'a'.repeat(64),
      reason: '同意',
    });
  });

  test('when a platform answers a publication with a failure status, then the entry keeps that status for its words, and nothing else of the details', () => {
    const finished = { ...event(9), action: 'publication.finished', details: { publishStatus: 3, changes: [] } };
    expect(timelineEntryOf(finished).details).toEqual({ publishStatus: 3 });
    expect(timelineEntryOf(event(5))).not.toHaveProperty('details');
  });

  test('when the draft and its publication each keep events, then the timeline shows all of them once, oldest first', () => {
    const draftKept = [event(2), event(8)].map(timelineEntryOf);
    const publicationKept = [event(5), event(8)].map(timelineEntryOf);
    expect(mergedTimeline(draftKept, publicationKept).map((entry) => entry.sequence)).toEqual([2, 5, 8]);
  });

  test('when a draft was never approved, then it has no platform records to read; approved once, or not upgraded yet, it may', () => {
    const submitted = { ...timelineEntryOf(event(1)), action: 'draft.submitted' };
    const rejected = { ...timelineEntryOf(event(2)), action: 'draft.rejected' };
    expect(mayHavePlatformRecords([submitted, rejected])).toBe(false);
    expect(mayHavePlatformRecords([submitted, timelineEntryOf(event(3))])).toBe(true);
    expect(mayHavePlatformRecords(undefined)).toBe(true);
  });

  test('when the same event is added again (a transition completed after a crash), then it is kept once', () => {
    const once = withTimelineEntry([], event(5));
    expect(withTimelineEntry(once, event(5))).toEqual(once);
  });
});
