/**
 * The measures of the inspection indicators (indicator-table-rules.ts names them): each reads one
 * account's records as they stood at the 监测时间点 and gives a value (null when nothing is recorded to
 * measure: 未接入), the value in words, and the records behind it. Pure: the records are gathered and cut
 * to the date by readiness-records.ts.
 */
import { addDays, civilDate, daysBetween, formatCivilDate } from '../shared/wall-clock';
import { cycleYearOf, toCloseDay } from '../annual-review/annual-review-rules';
import { inquiryRates } from '../inquiries/inquiry-rules';
import type { InquiryStatus } from '../inquiries/inquiry-rules';
import type { AccountStatus, ClosureStep } from '../accounts/account-vocabulary';
import type { Indicator, ReadinessMeasure } from './indicator-table-rules';

/** A record behind a figure, for the report's links. */
export interface ReadinessEvidence {
  kind: 'post' | 'article' | 'inquiry' | 'account' | 'annual-review' | 'draft';
  id: string;
  label: string;
  /** ISO time of the record, '' when it has none. */
  at: string;
  url: string;
}

export interface ReadinessPost {
  id: string;
  draftId: string | null;
  publishedAt: Date;
  original: boolean;
  url: string;
}

/** A platform article the sweep found wrong: no approval, not the approved text, or a serious wrong expression. */
export interface ReadinessArticle {
  id: string;
  title: string;
  url: string;
  publishedAt: Date;
  finding: 'verified' | 'mismatch' | 'unapproved';
  draftId: string | null;
  /** "错误写法→正确写法" found in the published text. */
  seriousExpressions: string[];
}

/** An inquiry as it stood at the date: answered and invalid only if they were by then. */
export interface ReadinessInquiry {
  id: string;
  code: string;
  status: InquiryStatus;
  receivedAt: Date;
  answeredAt: Date | null;
  /** The promised date in force at the date. */
  answerDueOn: string;
  /** The longest any extension may promise (受理后最长工作日数). */
  latestDueOn: string;
}

export interface ReadinessReview {
  id: string;
  year: number;
  /** As at the date: a decision or report after it is not counted. */
  status: 'open' | 'submitted' | 'passed' | 'failed';
  toCloseSince: Date | null;
}

export interface ReadinessAccount {
  id: string;
  name: string;
  platform: string;
  unitId: string;
  unitName: string;
  status: AccountStatus;
  leaderInChargeId: string;
  /** Where a gap starts for an account that never posted (its opening, or its registration). */
  trackedSince: Date;
  cadenceDays: number;
  interactionEnabled: boolean;
  filedAt: Date | null;
  filingDueAt: Date | null;
  certification: { certified: boolean; expiresAt: Date | null };
  closure: { step: ClosureStep; at: Date }[];
}

/** One account's records at the date, each list cut to the longest window the table asks for. */
export interface ReadinessRecords {
  account: ReadinessAccount;
  /** Connected to its platform at the date: the sweep's findings and pushed messages are recorded. */
  connected: boolean;
  posts: ReadinessPost[];
  /** The last post and original post before the window, when the caller knows them (null: none known). */
  lastPostBefore: Date | null;
  lastOriginalPostBefore: Date | null;
  articles: ReadinessArticle[];
  inquiries: ReadinessInquiry[];
  /** Whether any inquiry of the account was ever recorded by the date (by push, by hand or import). */
  inquiriesRecorded: boolean;
  review: ReadinessReview | null;
}

export interface MeasureContext {
  at: Date;
  /** The civil date of `at`. */
  today: string;
  timeZone: string;
}

export interface Measured {
  value: number | null;
  shown: string;
  evidence: ReadinessEvidence[];
}

type Measure = (records: ReadinessRecords, indicator: Indicator, context: MeasureContext) => Measured;

const dayMs = 86_400_000;

function inWindow<T>(items: readonly T[], at: (item: T) => Date, indicator: Indicator, context: MeasureContext): T[] {
  const from = context.at.getTime() - indicator.windowDays * dayMs;
  return items.filter((item) => at(item).getTime() > from && at(item).getTime() <= context.at.getTime());
}

function postEvidence(post: ReadinessPost, label: string): ReadinessEvidence {
  return post.draftId
    ? { kind: 'draft', id: post.draftId, label, at: post.publishedAt.toISOString(), url: post.url }
    : { kind: 'post', id: post.id, label, at: post.publishedAt.toISOString(), url: post.url };
}

function articleEvidence(article: ReadinessArticle, note: string): ReadinessEvidence {
  return {
    kind: 'article',
    id: article.id,
    label: `《${article.title || '无标题'}》${note}`,
    at: article.publishedAt.toISOString(),
    url: article.url,
  };
}

function inquiryEvidence(inquiry: ReadinessInquiry, note: string): ReadinessEvidence {
  return {
    kind: 'inquiry',
    id: inquiry.id,
    label: `留言 ${inquiry.code}${note}`,
    at: inquiry.receivedAt.toISOString(),
    url: '',
  };
}

const accountEvidence = (account: ReadinessAccount, label: string): ReadinessEvidence => ({
  kind: 'account',
  id: account.id,
  label,
  at: '',
  url: '',
});

const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;

/** Days from the latest of these dates (or the account's start) to the date; capped where the window ends. */
function daysSinceLatest(
  records: ReadinessRecords,
  posts: readonly ReadinessPost[],
  before: Date | null,
  indicator: Indicator,
  context: MeasureContext,
  what: string,
): Measured {
  const latest = posts.reduce<ReadinessPost | null>(
    (found, post) => (!found || post.publishedAt > found.publishedAt ? post : found),
    null,
  );
  const last = latest?.publishedAt ?? before;
  const civil = (at: Date) => civilDate(at, context.timeZone);
  if (last) {
    const days = Math.max(0, daysBetween(civil(last), context.today));
    return {
      value: days,
      shown: `${days} 天（上次${what}：${formatCivilDate(civil(last))}）`,
      evidence: latest ? [postEvidence(latest, `上次${what}`)] : [],
    };
  }
  const sinceStart = Math.max(0, daysBetween(civil(records.account.trackedSince), context.today));
  if (sinceStart <= indicator.windowDays) {
    return {
      value: sinceStart,
      shown: `${sinceStart} 天（开通以来尚无${what}）`,
      evidence: [accountEvidence(records.account, '账号登记')],
    };
  }
  return { value: indicator.windowDays, shown: `${indicator.windowDays} 天以上没有${what}`, evidence: [] };
}

/** Not connected to its platform and nothing registered by hand: the inquiry lines are not recorded. */
function inquiriesUnrecorded(records: ReadinessRecords): boolean {
  return !records.connected && !records.inquiriesRecorded;
}

function ratesInWindow(records: ReadinessRecords, indicator: Indicator, context: MeasureContext) {
  const inquiries = inWindow(records.inquiries, (inquiry) => inquiry.receivedAt, indicator, context);
  return { inquiries, figures: inquiryRates(inquiries, context.at, context.timeZone) };
}

const measures: Record<ReadinessMeasure, Measure> = {
  'days-without-update': (records, indicator, context) =>
    daysSinceLatest(records, records.posts, records.lastPostBefore, indicator, context, '发布'),

  'days-without-original': (records, indicator, context) =>
    daysSinceLatest(
      records,
      records.posts.filter((post) => post.original),
      records.lastOriginalPostBefore,
      indicator,
      context,
      '原创',
    ),

  'update-frequency': (records, indicator, context) => {
    const posts = inWindow(records.posts, (post) => post.publishedAt, indicator, context);
    const sinceStart = daysBetween(civilDate(records.account.trackedSince, context.timeZone), context.today);
    const days = Math.max(1, Math.min(indicator.windowDays, sinceStart));
    const expected = Math.max(1, Math.floor(days / records.account.cadenceDays));
    const postDays = new Set(posts.map((post) => civilDate(post.publishedAt, context.timeZone))).size;
    return {
      value: Math.round((postDays / expected) * 100) / 100,
      shown: `${days} 天内有 ${postDays} 天发布，按每 ${records.account.cadenceDays} 天一次应不少于 ${expected} 次`,
      evidence: posts.slice(0, 3).map((post) => postEvidence(post, '期内发布')),
    };
  },

  'original-share': (records, indicator, context) => {
    const posts = inWindow(records.posts, (post) => post.publishedAt, indicator, context);
    if (posts.length === 0) return { value: 0, shown: `${indicator.windowDays} 天内没有发布`, evidence: [] };
    const originals = posts.filter((post) => post.original);
    const share = originals.length / posts.length;
    return {
      value: Math.round(share * 1000) / 1000,
      shown: `${percent(share)}（${indicator.windowDays} 天内 ${posts.length} 条发布，其中原创 ${originals.length} 条）`,
      evidence: posts
        .filter((post) => !post.original)
        .slice(0, 5)
        .map((post) => postEvidence(post, '转载')),
    };
  },

  'interaction-switched-off': (records) =>
    records.account.interactionEnabled
      ? { value: 0, shown: '已开启', evidence: [] }
      : { value: 1, shown: '已关闭', evidence: [accountEvidence(records.account, '账号登记：互动功能关闭')] },

  'inquiry-overdue-stage': (records, indicator, context) => {
    if (inquiriesUnrecorded(records)) {
      return { value: null, shown: '未连接平台，也没有登记的留言', evidence: [] };
    }
    const open = inWindow(records.inquiries, (inquiry) => inquiry.receivedAt, indicator, context).filter(
      (inquiry) => inquiry.status === 'open' && inquiry.answerDueOn < context.today,
    );
    const pastLimit = open.filter((inquiry) => inquiry.latestDueOn < context.today);
    if (open.length === 0) return { value: 0, shown: '没有超期未答复的留言', evidence: [] };
    return {
      value: pastLimit.length > 0 ? 2 : 1,
      shown:
        pastLimit.length > 0
          ? `${pastLimit.length} 件超过最长答复期限未答复（共 ${open.length} 件超期）`
          : `${open.length} 件超过承诺期限未答复`,
      evidence: open.map((inquiry) =>
        inquiryEvidence(
          inquiry,
          inquiry.latestDueOn < context.today
            ? `（最长期限 ${formatCivilDate(inquiry.latestDueOn)}）`
            : `（承诺 ${formatCivilDate(inquiry.answerDueOn)}）`,
        ),
      ),
    };
  },

  'answer-rate': (records, indicator, context) => {
    if (inquiriesUnrecorded(records)) return { value: null, shown: '未连接平台，也没有登记的留言', evidence: [] };
    const { inquiries, figures } = ratesInWindow(records, indicator, context);
    if (figures.answerRate === null)
      return { value: 1, shown: `${indicator.windowDays} 天内没有有效留言`, evidence: [] };
    return {
      value: figures.answerRate,
      shown: `${percent(figures.answerRate)}（有效留言 ${figures.valid} 件，已答复 ${figures.answered} 件）`,
      evidence: inquiries
        .filter((inquiry) => inquiry.status === 'open')
        .map((inquiry) => inquiryEvidence(inquiry, '未答复')),
    };
  },

  'on-time-rate': (records, indicator, context) => {
    if (inquiriesUnrecorded(records)) return { value: null, shown: '未连接平台，也没有登记的留言', evidence: [] };
    const { inquiries, figures } = ratesInWindow(records, indicator, context);
    if (figures.onTimeRate === null)
      return { value: 1, shown: `${indicator.windowDays} 天内没有应答复的留言`, evidence: [] };
    const late = inquiries.filter((inquiry) => {
      const dueEnd = addDays(inquiry.answerDueOn, 1);
      const answeredOn = inquiry.answeredAt ? civilDate(inquiry.answeredAt, context.timeZone) : null;
      return inquiry.status !== 'invalid' && (answeredOn ? answeredOn >= dueEnd : context.today >= dueEnd);
    });
    return {
      value: figures.onTimeRate,
      shown: `${percent(figures.onTimeRate)}（按期答复 ${figures.answeredOnTime} 件，应答复 ${figures.answered + figures.overdue} 件）`,
      evidence: late.map((inquiry) => inquiryEvidence(inquiry, '未按期答复')),
    };
  },

  'published-serious-expressions': (records, indicator, context) => {
    if (!records.connected) return { value: null, shown: '未连接平台，无法读取实际发布的正文', evidence: [] };
    const found = inWindow(records.articles, (article) => article.publishedAt, indicator, context).filter(
      (article) => article.seriousExpressions.length > 0,
    );
    return {
      value: found.length,
      shown: found.length === 0 ? `${indicator.windowDays} 天内已发布文章未发现` : `${found.length} 篇`,
      evidence: found.map((article) => articleEvidence(article, `：${article.seriousExpressions.join('；')}`)),
    };
  },

  'unapproved-publications': (records, indicator, context) => {
    if (!records.connected) return { value: null, shown: '未连接平台，无法核对平台上的发布', evidence: [] };
    const found = inWindow(records.articles, (article) => article.publishedAt, indicator, context).filter(
      (article) => article.finding !== 'verified',
    );
    const unapproved = found.filter((article) => article.finding === 'unapproved').length;
    return {
      value: found.length,
      shown:
        found.length === 0
          ? `${indicator.windowDays} 天内平台上的发布均经审核`
          : `未经审核 ${unapproved} 篇，与审定稿不一致 ${found.length - unapproved} 篇`,
      evidence: found.map((article) =>
        articleEvidence(article, article.finding === 'unapproved' ? '：未经审核' : '：与审定稿不一致'),
      ),
    };
  },

  'filing-stage': (records, _indicator, context) => {
    const { account } = records;
    const civil = (at: Date) => formatCivilDate(civilDate(at, context.timeZone));
    if (account.filedAt) return { value: 0, shown: `已备案（${civil(account.filedAt)}）`, evidence: [] };
    const evidence = [accountEvidence(account, '账号登记：未备案')];
    if (account.filingDueAt && account.filingDueAt <= context.at) {
      return { value: 2, shown: `逾期未备案（应于${civil(account.filingDueAt)}前）`, evidence };
    }
    return {
      value: 1,
      shown: account.filingDueAt ? `未备案（期限${civil(account.filingDueAt)}）` : '未备案',
      evidence,
    };
  },

  'annual-review-stage': (records, _indicator, context) => {
    const { review } = records;
    const year = cycleYearOf(context.today);
    if (!review) return { value: 0, shown: `${year}年度年审未开启`, evidence: [] };
    const evidence: ReadinessEvidence[] = [
      { kind: 'annual-review', id: review.id, label: `${review.year}年度年审`, at: '', url: '' },
    ];
    if (review.toCloseSince) return { value: 2, shown: `${review.year}年度年审未通过，已列为待关停`, evidence };
    if (review.status === 'failed') return { value: 1, shown: `${review.year}年度年审未通过，须重新提交`, evidence };
    const daysLeft = daysBetween(context.today, toCloseDay(review.year));
    if (review.status === 'open' && daysLeft <= reportDueWarningDays) {
      return { value: 1, shown: `${review.year}年度年审报告未提交，${Math.max(0, daysLeft)} 天后列为待关停`, evidence };
    }
    const words = { open: '报告待提交', submitted: '已提交，待审核', passed: '已通过', failed: '未通过' };
    return { value: 0, shown: `${review.year}年度年审${words[review.status]}`, evidence };
  },

  'certification-stage': (records, _indicator, context) => {
    const { certification } = records.account;
    const evidence = [accountEvidence(records.account, '账号登记：平台认证')];
    if (!certification.certified) return { value: 1, shown: '未登记平台认证', evidence };
    if (!certification.expiresAt) return { value: 0, shown: '已认证', evidence: [] };
    const expiresOn = civilDate(certification.expiresAt, context.timeZone);
    const days = daysBetween(context.today, expiresOn);
    if (days < 0) return { value: 2, shown: `已于${formatCivilDate(expiresOn)}过期`, evidence };
    if (days <= certificationWarningDays) {
      return { value: 1, shown: `${formatCivilDate(expiresOn)}到期，还有 ${days} 天`, evidence };
    }
    return { value: 0, shown: `有效至${formatCivilDate(expiresOn)}`, evidence: [] };
  },

  'closure-stage': (records, indicator, context) => {
    const { account, review } = records;
    const done = new Set(account.closure.map((record) => record.step));
    const missing = closureDuties.filter((duty) => !done.has(duty.step)).map((duty) => duty.word);
    const evidence = [accountEvidence(account, '账号登记：关停流程')];
    if (review?.toCloseSince) {
      const days = daysBetween(civilDate(review.toCloseSince, context.timeZone), context.today);
      const shown = `列为待关停 ${days} 天，尚未${missing.join('、') || '办结'}`;
      return { value: days >= indicator.windowDays ? 2 : 1, shown, evidence };
    }
    if (account.status === 'closing') return { value: 1, shown: `关停中，尚未${missing.join('、')}`, evidence };
    return { value: 0, shown: '无关停事项', evidence: [] };
  },
};

/** A review not submitted is a risk in the last week before 1 December (as registry-risk-rules warns). */
const reportDueWarningDays = 7;
/** The certification reminders start 90 days before the expiry (account-rules' 90/30/7). */
const certificationWarningDays = 90;

const closureDuties: { step: ClosureStep; word: string }[] = [
  { step: 'stop-notice-published', word: '发布停更公告' },
  { step: 'platform-cancelled', word: '在平台注销' },
  { step: 'filed', word: '办理注销备案' },
];

/** Which records each measure reads: the records are gathered over the longest window of each kind. */
export const measureSources: Record<ReadinessMeasure, 'posts' | 'inquiries' | 'articles' | 'registry'> = {
  'days-without-update': 'posts',
  'days-without-original': 'posts',
  'update-frequency': 'posts',
  'original-share': 'posts',
  'interaction-switched-off': 'registry',
  'inquiry-overdue-stage': 'inquiries',
  'answer-rate': 'inquiries',
  'on-time-rate': 'inquiries',
  'published-serious-expressions': 'articles',
  'unapproved-publications': 'articles',
  'filing-stage': 'registry',
  'annual-review-stage': 'registry',
  'certification-stage': 'registry',
  'closure-stage': 'registry',
};

export function measure(records: ReadinessRecords, indicator: Indicator, context: MeasureContext): Measured {
  return measures[indicator.measure](records, indicator, context);
}
