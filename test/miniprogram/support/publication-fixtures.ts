/**
 * Fixture answers about publishing and its verification (R10): a draft published through the platform
 * whose article differs from the approved version, its timeline, and the last sweep of an account —
 * typed by the contracts.
 */
import type { AccountSweepView, DraftDetail, DraftTimeline, PublicationCheckView } from '../../../src/shared/contracts';
import { fixtures } from './fixtures';

const approved = fixtures.draftDetail.versions[1];
const articleUrl = 'https://mp.weixin.qq.com/s/qinghe-xiaofang-jiancha';

const mismatch: PublicationCheckView = {
  source: 'publish',
  state: 'mismatch',
  stateText: '已发布，核验不一致',
  message: '平台上的文章与审核通过的第2版有 1 处不同，已通知投稿人、审核领导和管理员。',
  accountName: '清河教育',
  versionNumber: 2,
  contentHash: approved.contentHash,
  articleUrl,
  publishedAt: '2026-11-25T02:03:00.000Z',
  checkedAt: '2026-11-25T02:04:00.000Z',
  placeCount: 1,
  differenceText: '· 第2段 改：…决定于12月1日至12月【20】→【25】日开展消防安全',
  difference: {
    title: [{ kind: 'same', text: approved.title }],
    text: [
      { kind: 'same', text: '各学校、幼儿园：\n为切实做好冬季消防安全工作，县教育局决定于12月1日至12月' },
      { kind: 'removed', text: '20' },
      { kind: 'added', text: '25' },
      { kind: 'same', text: '日开展消防安全专项检查。请各单位于11月30日前完成自查并报送自查表。' },
    ],
  },
  attempts: 1,
};

const verified: PublicationCheckView = {
  ...mismatch,
  state: 'verified',
  stateText: '已发布，核验一致',
  message: '平台上的文章经核验与审核通过的第2版一致。',
  placeCount: 0,
  differenceText: '',
  difference: null,
};

/** Published by hand in the back office; the sweep found it near its approval but different. */
const sweptMismatch: PublicationCheckView = {
  ...mismatch,
  source: 'sweep',
  message: '平台巡查发现的文章与审核通过的第2版相近但不一致，已通知投稿人、审核领导和管理员。',
  placeCount: 0,
  difference: null,
  attempts: 0,
};

const publishedDraft: DraftDetail = {
  ...fixtures.draftDetail,
  status: 'published',
  statusText: '已发布',
  currentStep: null,
  publication: { url: articleUrl, publishedAt: '2026-11-25T02:03:00.000Z' },
  publicationCheck: mismatch,
};

const event = (sequence: number, at: string, action: string, actionText: string, via: string, reason = '') => ({
  sequence,
  at,
  action,
  actionText,
  actor: null,
  onBehalfOf: null,
  via,
  versionNumber: 2,
  contentHash: approved.contentHash,
  reason,
});

const publishedTimeline: DraftTimeline = {
  ...fixtures.draftTimeline,
  events: [
    ...fixtures.draftTimeline.events,
    {
      ...event(1240, '2026-11-25T02:00:00.000Z', 'publication.submitted', '提交公众号发布', '工作群（政务微信）'),
      actor: { id: fixtures.officer.id, name: '刘洋' },
    },
    event(1243, '2026-11-25T02:03:00.000Z', 'publication.finished', '平台已发布', 'platform-push'),
    event(1244, '2026-11-25T02:03:00.000Z', 'draft.published', '登记发布', `platform:2247483911`),
    event(1245, '2026-11-25T02:04:00.000Z', 'publication.mismatch', '发布核验不一致', 'platform-push'),
  ],
};

const neverSwept: AccountSweepView = {
  accountId: fixtures.accountList.accounts[0].id,
  accountName: '清河教育',
  outcome: null,
  message: '',
};

const swept: AccountSweepView = {
  ...neverSwept,
  outcome: {
    at: '2026-11-27T00:30:00.000Z',
    error: '',
    listed: 20,
    found: 3,
    verified: 2,
    mismatched: 0,
    unapproved: 1,
    deleted: 0,
    replaced: 0,
  },
  message:
    '公众号“清河教育”核查完成：查看平台文章 20 篇，新发现 3 篇：核验一致 2 篇，与审核版本不一致 0 篇，未经审核发布 1 篇。',
};

export const publicationFixtures = {
  articleUrl,
  mismatch,
  verified,
  sweptMismatch,
  publishedDraft,
  publishedTimeline,
  neverSwept,
  swept,
};
