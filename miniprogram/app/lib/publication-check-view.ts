/**
 * What the admins see of publishing and its verification (R10): a draft's 发布核验 card (state, article
 * link, the approved version it was compared with, the difference word by word) and the dashboard's
 * card of the last 30 days (verified / differing / unapproved posts, the newest unapproved listed), and
 * the account page's last sweep of the platform.
 */
import type { AccountSweepView, PublicationCheckView, PublicationCountsView } from '../../../src/shared/contracts';
import { condenseSegments } from './draft-detail-view';
import { formatTime, shortHash } from './format';

/** The colour of the state's tag (common.wxss): green good, blue under way, red wrong. */
const stateTones: Record<PublicationCheckView['state'], 'approved' | 'published' | 'rejected'> = {
  publishing: 'published',
  verifying: 'published',
  verified: 'approved',
  failed: 'rejected',
  mismatch: 'rejected',
  deleted: 'rejected',
  replaced: 'rejected',
};

export function toPublicationCheckCard(check: PublicationCheckView | null) {
  if (!check) return null;
  const keyed = (segments: { kind: 'same' | 'added' | 'removed'; text: string }[]) =>
    segments.map((segment, index) => ({ ...segment, key: index }));
  const changed = (segments: { kind: string }[]) => segments.some((segment) => segment.kind !== 'same');
  const difference = check.difference;
  return {
    tone: stateTones[check.state],
    stateText: check.stateText,
    message: check.message,
    sourceText: check.source === 'sweep' ? '平台巡查发现（后台发布）' : '经审发提交发布',
    accountName: check.accountName,
    url: check.articleUrl,
    publishedText: formatTime(check.publishedAt),
    checkedText: formatTime(check.checkedAt),
    approvedText: `审核通过的第 ${check.versionNumber} 版`,
    hashText: shortHash(check.contentHash),
    attemptsText: check.attempts > 1 ? `共提交 ${check.attempts} 次` : '',
    /** The chat's lines of the difference, when the words themselves are not kept (a sweep's finding). */
    differenceLines: !difference && check.differenceText ? check.differenceText.split('\n') : [],
    /** A DiffView for the version-diff component: approved → published. */
    diff: difference
      ? {
          heading: `审核通过的第 ${check.versionNumber} 版 → 平台上的文章（${check.placeCount} 处不同）`,
          titleChanged: changed(difference.title),
          title: keyed(difference.title),
          bodyChanged: changed(difference.text),
          body: keyed(condenseSegments(difference.text)),
        }
      : null,
  };
}

export type PublicationCheckCard = NonNullable<ReturnType<typeof toPublicationCheckCard>>;

/** One figure of the dashboard's card; `alert` when a non-zero value needs the admins' attention. */
interface CheckFigure {
  label: string;
  value: number;
  alert: boolean;
}

/** The dashboard's 发布核验 card; null when the viewer sees no accounts. */
export function toPublicationCountsCard(counts: PublicationCountsView | null) {
  if (!counts) return null;
  const figure = (label: string, value: number, alerting = false): CheckFigure => ({
    label,
    value,
    alert: alerting && value > 0,
  });
  return {
    title: `发布核验（近 ${counts.windowDays} 天）`,
    connected: counts.connectedAccounts > 0,
    figures: [
      figure('核验一致', counts.verified),
      figure('与审核版本不一致', counts.mismatched, true),
      figure('未经审核发布', counts.unapproved, true),
      figure('核验后被删改', counts.changedLater, true),
    ],
    unapproved: counts.latestUnapproved.map((post) => ({
      key: `${post.accountId}-${post.publishedAt}-${post.title}`,
      title: post.title || '（无标题）',
      meta: `${post.accountName} · ${formatTime(post.publishedAt)}`,
      url: post.url,
    })),
    footnote:
      counts.connectedAccounts > 0
        ? `已接入 ${counts.connectedAccounts} 个公众号${counts.lastSweptAt ? `，最近巡查 ${formatTime(counts.lastSweptAt)}` : '，尚未巡查'}`
        : '',
  };
}

export type PublicationCountsCard = NonNullable<ReturnType<typeof toPublicationCountsCard>>;

/** The account page's 平台巡查 card: when the sweep last looked, what it saw and what it found. */
export function toSweepCard(sweep: AccountSweepView) {
  const outcome = sweep.outcome;
  if (!outcome) return { swept: false, sweptText: '', figures: [] as CheckFigure[], error: '', message: '' };
  const figure = (label: string, value: number, alerting = false): CheckFigure => ({
    label,
    value,
    alert: alerting && value > 0,
  });
  return {
    swept: true,
    sweptText: formatTime(outcome.at),
    figures: [
      figure('查看文章', outcome.listed),
      figure('新发现', outcome.found),
      figure('未经审核', outcome.unapproved, true),
      figure('不一致', outcome.mismatched, true),
      figure('被删改', outcome.deleted + outcome.replaced, true),
    ],
    error: outcome.error,
    message: sweep.message,
  };
}

export type SweepCard = ReturnType<typeof toSweepCard>;
