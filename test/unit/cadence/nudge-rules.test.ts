import { dueNudgeStages, nudgeKey } from '../../../src/cadence/nudge-rules';
import { pendingEpisode } from '../../../src/drafts/pending-episode-rules';
import { defaultReminderPolicy } from '../../../src/cadence/reminder-policy-rules';
import type { ReviewState, ReviewStep } from '../../../src/drafts/review-state';

const submitted = new Date('2026-09-30T08:00:00Z');
const step = (overrides: Partial<ReviewStep> = {}): ReviewStep => ({
  mode: 'any',
  approverIds: ['leader'],
  backupApproverIds: ['backup'],
  status: 'pending',
  decisions: [],
  handovers: [],
  ...overrides,
});
const draft = (overrides: Partial<ReviewState> = {}): ReviewState => ({
  id: 'd1',
  shortCode: 'K7Q2',
  status: 'in_review',
  submitterId: 'officer',
  versions: [],
  currentVersion: 1,
  steps: [step()],
  currentStepIndex: 0,
  ccIds: [],
  publication: { url: '', publishedAt: null, reportedById: null },
  ...overrides,
});
const approval = (approverId: string, decidedAt: Date, versionNumber = 1) => ({
  approverId,
  onBehalfOfId: null,
  decision: 'approve' as const,
  comment: '',
  versionNumber,
  contentHash: 'h',
  decidedAt,
});

describe('approval nudges', () => {
  test('when a draft waits at its first step, then the episode starts at submission and names approver and backup', () => {
    expect(pendingEpisode(draft(), submitted)).toEqual({
      key: 'd1:v1:s0:h0',
      since: submitted,
      stepIndex: 0,
      waitingFor: ['leader'],
      backupIds: ['backup'],
    });
  });

  test('when the first step was approved, then the second step waits from that decision', () => {
    const decidedAt = new Date('2026-09-30T09:00:00Z');
    const state = draft({
      steps: [
        step({ status: 'approved', decisions: [approval('leader', decidedAt)] }),
        step({ approverIds: ['head'], backupApproverIds: [] }),
      ],
      currentStepIndex: 1,
    });
    expect(pendingEpisode(state, submitted)).toMatchObject({
      key: 'd1:v1:s1:h0',
      since: decidedAt,
      waitingFor: ['head'],
      backupIds: [],
    });
  });

  test('when the item is handed over, then a new episode starts for the colleague', () => {
    const at = new Date('2026-09-30T10:00:00Z');
    const state = draft({
      steps: [step({ handovers: [{ fromId: 'leader', toId: 'colleague', versionNumber: 1, at }] })],
    });
    expect(pendingEpisode(state, submitted)).toMatchObject({
      key: 'd1:v1:s0:h1',
      since: at,
      waitingFor: ['colleague'],
    });
  });

  test('when a revoked approval reopens the step, then the episode starts at the reopening under a new key', () => {
    const reopened = new Date('2026-10-08T03:00:00Z');
    const handedOverBefore = new Date('2026-09-30T10:00:00Z');
    const state = draft({
      steps: [
        step({
          pendingSince: reopened,
          handovers: [{ fromId: 'leader', toId: 'colleague', versionNumber: 1, at: handedOverBefore }],
        }),
      ],
    });
    expect(pendingEpisode(state, submitted)).toMatchObject({
      key: `d1:v1:s0:p${reopened.getTime()}:h1`,
      since: reopened,
      waitingFor: ['colleague'],
    });
  });

  test('when the step is decided, withdrawn or rejected, then nothing is pending', () => {
    expect(pendingEpisode(draft({ status: 'withdrawn' }), submitted)).toBeNull();
    expect(pendingEpisode(draft({ status: 'rejected' }), submitted)).toBeNull();
    expect(
      pendingEpisode(draft({ steps: [step({ decisions: [approval('backup', submitted)] })] }), submitted),
    ).toBeNull();
  });

  test('when a 会签 step has one approval of two, then it waits only for the other approver', () => {
    const state = draft({
      steps: [
        step({ mode: 'all', approverIds: ['a', 'b'], backupApproverIds: [], decisions: [approval('a', submitted)] }),
      ],
    });
    expect(pendingEpisode(state, submitted)).toMatchObject({ waitingFor: ['b'] });
  });

  test('when working hours pass, then the reminder is due at 4 and the escalation at 8, never before', () => {
    expect(dueNudgeStages(239, defaultReminderPolicy)).toEqual([]);
    expect(dueNudgeStages(240, defaultReminderPolicy)).toEqual(['remind']);
    expect(dueNudgeStages(479, defaultReminderPolicy)).toEqual(['remind']);
    expect(dueNudgeStages(480, defaultReminderPolicy)).toEqual(['remind', 'escalate']);
    expect(nudgeKey({ key: 'd1:v1:s0:h0' }, 'remind')).toBe('nudge:d1:v1:s0:h0:remind');
  });
});
