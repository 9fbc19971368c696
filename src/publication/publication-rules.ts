/**
 * Publishing an approved draft through a platform's API (R1, R10), pure: who may ask for it, whether the
 * draft and its account allow it now, and each step of an attempt's life as the change it makes —
 * submitting → publishing (the platform took it) → published / failed (its publish_status) → verified /
 * mismatch — or nothing, when the attempt is not in the state the step starts from (a push and the check
 * job may bring the same result; the second changes nothing). Also when the check job asks again.
 */
import type { Refusal } from '../shared/errors';
import type { AuditedChange } from '../audit/audit-ledger';
import { statusWord } from '../drafts/draft-messages';
import type { DraftStatus } from '../drafts/review-state';
import type { Publication, PublicationFailure, PublicationState, PublicationVerification } from './publication-model';
import { publishStatusMessage } from './publication-messages';
import { publishStatusCodes } from './publish-status-rules';

/** The attempts still waiting for something: the platform's answer, its result, or the verification. */
export const unfinishedStates: readonly PublicationState[] = ['submitting', 'publishing', 'published'];

/** States in which the article is out on the platform. */
export const publishedStates: readonly PublicationState[] = ['published', 'verified', 'mismatch'];

/** Statuses that say the article was out and is gone (deleted afterwards, banned): the admins hear of it. */
const removedStatuses: readonly number[] = [publishStatusCodes.deletedAfterwards, publishStatusCodes.bannedAfterwards];

const failureCodes: Record<number, string> = {
  2: 'PUBLISH_ORIGINALITY_FAILED',
  3: 'PUBLISH_FAILED',
  4: 'PUBLISH_REJECTED_BY_PLATFORM',
  5: 'PUBLISH_DELETED',
  6: 'PUBLISH_BANNED',
};

export interface PublisherFacts {
  /** null: automatic publishing after approval. */
  actorId: string | null;
  /** The actor is an admin whose scope covers the draft's unit. */
  isUnitAdmin: boolean;
  draft: { code: string; submitterId: string; involvedIds: readonly string[] };
}

/**
 * Only the submitter or an admin of the draft's unit publishes. Anyone the draft does not involve
 * learns nothing of it: the answer is the one for an unknown code.
 */
export function refusePublisher({ actorId, isUnitAdmin, draft }: PublisherFacts): Refusal | null {
  if (actorId === null || actorId === draft.submitterId || isUnitAdmin) return null;
  if (!draft.involvedIds.includes(actorId)) {
    return { kind: 'not-found', code: 'DRAFT_NOT_FOUND', message: `找不到编号为 #${draft.code} 的稿件，请核对编号` };
  }
  return { kind: 'forbidden', code: 'NOT_PUBLISHER', message: '只有投稿人或本单位管理员可以发布稿件' };
}

/**
 * R1: only a fully approved draft goes out; one already out does not go again, and one the platform
 * deleted or banned after publishing goes again only as a new version, reviewed again.
 */
export function refuseDraftState(
  draft: { code: string; status: DraftStatus },
  latest: Pick<Publication, 'state' | 'failure'> | null,
): Refusal | null {
  if (draft.status === 'published' || (latest && publishedStates.includes(latest.state))) {
    return { kind: 'conflict', code: 'DRAFT_ALREADY_PUBLISHED', message: '该稿件已发布，不能再次发布' };
  }
  if (latest?.failure && removedStatuses.includes(latest.failure.publishStatus ?? -1)) {
    return {
      kind: 'conflict',
      code: 'DRAFT_REMOVED_FROM_PLATFORM',
      message: `该稿件发布后已被删除或被平台处理，不能原样再次发布；如需重新发布，请发送“修改 ${draft.code}”重新审核`,
    };
  }
  if (draft.status !== 'approved') {
    return {
      kind: 'conflict',
      code: 'DRAFT_NOT_APPROVED',
      message: `该稿件${statusWord(draft.status)}，未经审核同意不得发布`,
    };
  }
  return null;
}

export interface AccountFacts {
  code: string;
  /** null: the draft names no account. */
  account: { name: string; platformLabel: string; officialAccount: boolean } | null;
  connected: boolean;
}

/** Publishing needs a 公众号 whose connection is set up; others are published by hand and reported. */
export function refuseUnconnected({ code, account, connected }: AccountFacts): Refusal | null {
  const byHand = `请在平台上发布后发送“已发布 ${code} 链接”登记`;
  if (!account) {
    return { kind: 'conflict', code: 'DRAFT_HAS_NO_ACCOUNT', message: `稿件未指定发布账号，${byHand}` };
  }
  if (!account.officialAccount) {
    return {
      kind: 'conflict',
      code: 'PLATFORM_HAS_NO_PUBLISHING',
      message: `“${account.name}”（${account.platformLabel}）没有可用的发布接口，${byHand}`,
    };
  }
  if (!connected) {
    return {
      kind: 'conflict',
      code: 'ACCOUNT_NOT_CONNECTED',
      message: `公众号“${account.name}”尚未接入发布接口，${byHand}；如需由审发直接发布，请管理员在小程序账号页设置公众号连接`,
    };
  }
  return null;
}

/** The parts of an attempt its steps read. */
export interface PublicationStep {
  _id: unknown;
  state: PublicationState;
}

/** The platform took the article: it now publishes it and will tell the result. */
export function submittedChange(
  publication: PublicationStep,
  sent: { mediaId: string; publishId: string; msgDataId: string },
  now: Date,
): AuditedChange | null {
  if (publication.state !== 'submitting') return null;
  return {
    action: 'publication.submitted',
    changes: { state: 'publishing', ...sent, submittedAt: now, stateChangedAt: now },
    details: { ...sent },
  };
}

/** The submission was refused or cut short before the platform took it: the draft stays publishable. */
export function submissionFailedChange(
  publication: PublicationStep,
  failure: { code: string; message: string },
  now: Date,
): AuditedChange | null {
  if (publication.state !== 'submitting') return null;
  return failedChange(publication, { publishStatus: null, ...failure }, now, 'publication.submission-failed');
}

export interface PlatformResult {
  status: number;
  articleId: string;
  articleUrl: string;
}

/**
 * The platform's result (push or polling): success → published; 2–6 → failed, the draft publishable
 * again; 1 (still publishing) changes nothing.
 */
export function finishedChange(publication: PublicationStep, result: PlatformResult, now: Date): AuditedChange | null {
  if (publication.state !== 'publishing' || result.status === publishStatusCodes.publishing) return null;
  const details = { publishStatus: result.status, articleId: result.articleId, url: result.articleUrl };
  if (result.status === publishStatusCodes.published) {
    return {
      action: 'publication.finished',
      changes: {
        state: 'published',
        openKey: String(publication._id),
        articleId: result.articleId,
        articleUrl: result.articleUrl,
        finishedAt: now,
        stateChangedAt: now,
      },
      details,
    };
  }
  const failure: PublicationFailure = {
    publishStatus: result.status,
    code: failureCodes[result.status] ?? 'PUBLISH_STATUS_UNKNOWN',
    message: publishStatusMessage(result.status),
  };
  const change = failedChange(publication, failure, now, 'publication.finished');
  return { ...change, changes: { ...change.changes, finishedAt: now }, details };
}

function failedChange(
  publication: PublicationStep,
  failure: PublicationFailure,
  now: Date,
  action: string,
): AuditedChange {
  return {
    action,
    reason: failure.message,
    changes: { state: 'failed', openKey: String(publication._id), failure, stateChangedAt: now },
    details: { code: failure.code },
  };
}

/** The verification as stored (PublicationVerification without its time). */
export type VerificationResult = Omit<PublicationVerification, 'checkedAt'>;

/** R10: the published article compared with the approved version. */
export function verificationChange(
  publication: PublicationStep,
  result: VerificationResult,
  now: Date,
): AuditedChange | null {
  if (publication.state !== 'published') return null;
  const verified = result.placeCount === 0;
  return {
    action: verified ? 'publication.verified' : 'publication.mismatch',
    changes: {
      state: verified ? 'verified' : 'mismatch',
      verification: { checkedAt: now, ...result },
      stateChangedAt: now,
    },
    // The trail keeps the summary of the difference; the texts stay on the publication.
    details: {
      placeCount: result.placeCount,
      summary: result.summary,
      fingerprint: result.fingerprint,
      deleted: result.deleted,
    },
  };
}

/**
 * Who hears of an outcome: the submitter, the approvers and whoever asked — and for a mismatch, or an
 * article deleted or banned, the unit's admins too. A submission refused while the asker waited was answered then; null: no notice.
 */
export function outcomeNotice(
  publication: Pick<Publication, 'state' | 'failure' | 'submittedAt'>,
): { toAdmins: boolean } | null {
  switch (publication.state) {
    case 'verified':
      return { toAdmins: false };
    case 'mismatch':
      return { toAdmins: true };
    case 'failed':
      if (removedStatuses.includes(publication.failure?.publishStatus ?? -1)) return { toAdmins: true };
      return publication.submittedAt !== null || publication.failure?.code === 'SUBMISSION_INTERRUPTED'
        ? { toAdmins: false }
        : null;
    default:
      return null;
  }
}

// --- When the check job looks again ------------------------------------------------------------------

const minuteMs = 60_000;
/** Past this age an attempt stops waiting (the platform normally answers within minutes). */
export const giveUpAfterMs = 24 * 60 * minuteMs;
/** A submission still without the platform's answer after this long was cut short by a crash. */
export const submissionCutShortAfterMs = 10 * minuteMs;
/**
 * The ages at which an attempt is looked at again, with backoff: 1, 2, 4, 8, 15 and 30 minutes after
 * it was submitted (or its result came), then every half hour for a day.
 */
const checkAgesMs = [
  ...[1, 2, 4, 8, 15].map((minutes) => minutes * minuteMs),
  ...Array.from({ length: giveUpAfterMs / (30 * minuteMs) }, (_, index) => (index + 1) * 30 * minuteMs),
];

/** Whether a check time after `since` falls in the job's run (after, until]. */
export function isCheckDue(since: Date, run: { after: Date; until: Date }): boolean {
  const from = run.after.getTime() - since.getTime();
  const to = run.until.getTime() - since.getTime();
  return checkAgesMs.some((age) => age > from && age <= to);
}

/** What a still-unfinished attempt needs when the check job runs at `now`. */
export type CheckAction = 'ask-platform' | 'verify' | 'give-up' | 'cut-short' | 'wait';

export function checkActionFor(
  publication: { state: PublicationState; stateChangedAt: Date; submittedAt: Date | null; finishedAt: Date | null },
  run: { after: Date; until: Date },
): CheckAction {
  const age = (since: Date) => run.until.getTime() - since.getTime();
  switch (publication.state) {
    case 'submitting':
      return age(publication.stateChangedAt) >= submissionCutShortAfterMs ? 'cut-short' : 'wait';
    case 'publishing': {
      const since = publication.submittedAt ?? publication.stateChangedAt;
      if (age(since) >= giveUpAfterMs) return 'give-up';
      return isCheckDue(since, run) ? 'ask-platform' : 'wait';
    }
    case 'published':
      return isCheckDue(publication.finishedAt ?? publication.stateChangedAt, run) ? 'verify' : 'wait';
    default:
      return 'wait';
  }
}

/** An attempt whose result never came within a day: failed, so the draft can be published again. */
export function gaveUpChange(publication: PublicationStep, now: Date): AuditedChange | null {
  if (publication.state !== 'publishing') return null;
  return failedChange(
    publication,
    {
      publishStatus: null,
      code: 'PUBLISH_RESULT_TIMEOUT',
      message: '公众号超过一天未返回发布结果，请在公众号后台「发表记录」中查看是否已发布',
    },
    now,
    'publication.finished',
  );
}
