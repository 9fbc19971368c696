import {
  checkActionFor,
  finishedChange,
  gaveUpChange,
  isCheckDue,
  outcomeNotice,
  refuseDraftState,
  refusePublisher,
  refuseUnconnected,
  submissionFailedChange,
  submittedChange,
  verificationChange,
} from '../../../src/publication/publication-rules';
import type { PublicationState } from '../../../src/publication/publication-model';

const draft = { code: 'K7Q2', submitterId: 'officer', involvedIds: ['officer', 'leader'] };
const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);
const now = at('08:00:00');
const minutes = (count: number) => count * 60_000;
const step = (state: PublicationState) => ({ _id: 'p1', state });

describe('who may publish', () => {
  test('when the submitter, an admin of the unit or automatic publishing asks, then it is allowed', () => {
    expect(refusePublisher({ actorId: 'officer', isUnitAdmin: false, draft })).toBeNull();
    expect(refusePublisher({ actorId: 'admin', isUnitAdmin: true, draft })).toBeNull();
    expect(refusePublisher({ actorId: null, isUnitAdmin: false, draft })).toBeNull();
  });

  test('when an approver asks, then it is forbidden; when someone the draft does not involve asks, then it is not found', () => {
    expect(refusePublisher({ actorId: 'leader', isUnitAdmin: false, draft })).toMatchObject({
      kind: 'forbidden',
      code: 'NOT_PUBLISHER',
    });
    expect(refusePublisher({ actorId: 'stranger', isUnitAdmin: false, draft })).toEqual({
      kind: 'not-found',
      code: 'DRAFT_NOT_FOUND',
      message: '找不到编号为 #K7Q2 的稿件，请核对编号',
    });
  });
});

describe('whether the draft and its account allow publishing', () => {
  test('when the draft is approved and not yet out, then it may go; otherwise the refusal says why', () => {
    const approved = { code: 'K7Q2', status: 'approved' as const };
    const failed = (publishStatus: number | null) => ({
      state: 'failed' as const,
      failure: { publishStatus, code: 'X', message: '' },
    });
    expect(refuseDraftState(approved, null)).toBeNull();
    expect(refuseDraftState(approved, failed(4))).toBeNull();
    expect(refuseDraftState(approved, failed(null))).toBeNull();
    expect(refuseDraftState(approved, { state: 'verified', failure: null })).toMatchObject({
      code: 'DRAFT_ALREADY_PUBLISHED',
    });
    expect(refuseDraftState(approved, failed(6))).toMatchObject({
      code: 'DRAFT_REMOVED_FROM_PLATFORM',
      message: expect.stringContaining('修改 K7Q2'),
    });
    expect(refuseDraftState({ ...approved, status: 'published' }, null)).toMatchObject({
      code: 'DRAFT_ALREADY_PUBLISHED',
    });
    expect(refuseDraftState({ ...approved, status: 'in_review' }, null)).toMatchObject({
      kind: 'conflict',
      code: 'DRAFT_NOT_APPROVED',
      message: expect.stringContaining('未经审核同意不得发布'),
    });
  });

  test('when the account is no 公众号 or is not connected, then the refusal says to publish by hand and report', () => {
    const weibo = { name: '应急微博', platformLabel: '微博', officialAccount: false };
    const official = { name: '应急先锋', platformLabel: '微信公众号', officialAccount: true };
    expect(refuseUnconnected({ code: 'K7Q2', account: official, connected: true })).toBeNull();
    expect(refuseUnconnected({ code: 'K7Q2', account: weibo, connected: false })?.message).toBe(
      '“应急微博”（微博）没有可用的发布接口，请在平台上发布后发送“已发布 K7Q2 链接”登记',
    );
    expect(refuseUnconnected({ code: 'K7Q2', account: official, connected: false })).toMatchObject({
      code: 'ACCOUNT_NOT_CONNECTED',
      message: expect.stringContaining('请管理员在小程序账号页设置公众号连接'),
    });
    expect(refuseUnconnected({ code: 'K7Q2', account: null, connected: false })).toMatchObject({
      code: 'DRAFT_HAS_NO_ACCOUNT',
    });
  });
});

describe('an attempt, step by step', () => {
  const sent = { mediaId: 'm1', publishId: '2247', msgDataId: '77' };

  test('when the platform takes the article, then the attempt is publishing and the trail has the ids', () => {
    expect(submittedChange(step('submitting'), sent, now)).toEqual({
      action: 'publication.submitted',
      changes: { state: 'publishing', ...sent, submittedAt: now, stateChangedAt: now },
      details: sent,
    });
    expect(submittedChange(step('publishing'), sent, now)).toBeNull();
  });

  test('when the platform reports success, then it is published and the draft may hold no second attempt in flight', () => {
    const change = finishedChange(step('publishing'), { status: 0, articleId: 'a1', articleUrl: 'https://u' }, now);
    expect(change).toMatchObject({
      action: 'publication.finished',
      changes: { state: 'published', openKey: 'p1', articleId: 'a1', articleUrl: 'https://u', finishedAt: now },
      details: { publishStatus: 0, articleId: 'a1', url: 'https://u' },
    });
  });

  test.each([
    [2, 'PUBLISH_ORIGINALITY_FAILED', '原创声明未通过'],
    [3, 'PUBLISH_FAILED', '常规失败'],
    [4, 'PUBLISH_REJECTED_BY_PLATFORM', '未通过平台审核'],
    [5, 'PUBLISH_DELETED', '已被删除'],
    [6, 'PUBLISH_BANNED', '封禁'],
  ])('when the platform reports status %p, then the attempt failed with %p and says so', (status, code, words) => {
    const change = finishedChange(step('publishing'), { status, articleId: '', articleUrl: '' }, now);
    expect(change?.changes).toMatchObject({ state: 'failed', openKey: 'p1', failure: { publishStatus: status, code } });
    expect(change?.reason).toContain(words);
  });

  test('when the result is "still publishing" or comes a second time, then nothing changes', () => {
    expect(finishedChange(step('publishing'), { status: 1, articleId: '', articleUrl: '' }, now)).toBeNull();
    expect(finishedChange(step('published'), { status: 0, articleId: 'a1', articleUrl: '' }, now)).toBeNull();
    expect(finishedChange(step('failed'), { status: 4, articleId: '', articleUrl: '' }, now)).toBeNull();
  });

  test('when the submission fails or never got an answer, then the attempt failed and frees the draft', () => {
    expect(submissionFailedChange(step('submitting'), { code: 'X', message: '原因' }, now)).toMatchObject({
      action: 'publication.submission-failed',
      reason: '原因',
      changes: { state: 'failed', openKey: 'p1', failure: { publishStatus: null, code: 'X' } },
    });
    expect(submissionFailedChange(step('publishing'), { code: 'X', message: '原因' }, now)).toBeNull();
    expect(gaveUpChange(step('publishing'), now)?.changes).toMatchObject({
      failure: { code: 'PUBLISH_RESULT_TIMEOUT' },
    });
  });

  test('when the published article is compared, then no difference verifies it and any difference is a mismatch', () => {
    const result = { summary: '', fingerprint: 'f', publishedTitle: 't', publishedText: 'x', deleted: false };
    expect(verificationChange(step('published'), { ...result, placeCount: 0 }, now)).toMatchObject({
      action: 'publication.verified',
      changes: { state: 'verified', verification: { checkedAt: now, placeCount: 0 } },
    });
    expect(
      verificationChange(step('published'), { ...result, placeCount: 2, summary: '· 第1段 改' }, now),
    ).toMatchObject({
      action: 'publication.mismatch',
      details: { placeCount: 2, summary: '· 第1段 改' },
    });
    expect(verificationChange(step('verified'), { ...result, placeCount: 0 }, now)).toBeNull();
  });
});

describe('when the check job looks again', () => {
  const since = at('08:00:00');
  const runEnding = (ms: number) => ({
    after: new Date(since.getTime() + ms - 30_000),
    until: new Date(since.getTime() + ms),
  });

  test('when the runs go by every 30 seconds, then the platform is asked at 1, 2, 4, 8, 15 and 30 minutes, then half-hourly', () => {
    const due: number[] = [];
    for (let ms = 30_000; ms <= minutes(120); ms += 30_000) if (isCheckDue(since, runEnding(ms))) due.push(ms / 60_000);
    expect(due).toEqual([1, 2, 4, 8, 15, 30, 60, 90, 120]);
  });

  test('when a run is late, then the checks it missed count once; after a day there are none', () => {
    expect(isCheckDue(since, { after: since, until: new Date(since.getTime() + minutes(10)) })).toBe(true);
    expect(isCheckDue(since, { after: since, until: new Date(since.getTime() + 30_000) })).toBe(false);
    expect(isCheckDue(since, runEnding(minutes(25 * 60)))).toBe(false);
  });

  test('when an attempt is unfinished, then the run asks the platform, verifies, gives up or closes it', () => {
    const base = { stateChangedAt: since, submittedAt: since, finishedAt: null };
    expect(checkActionFor({ ...base, state: 'publishing' }, runEnding(minutes(1)))).toBe('ask-platform');
    expect(checkActionFor({ ...base, state: 'publishing' }, runEnding(minutes(3)))).toBe('wait');
    expect(checkActionFor({ ...base, state: 'publishing' }, runEnding(minutes(24 * 60)))).toBe('give-up');
    expect(checkActionFor({ ...base, state: 'published', finishedAt: since }, runEnding(minutes(2)))).toBe('verify');
    expect(checkActionFor({ ...base, state: 'submitting', submittedAt: null }, runEnding(minutes(5)))).toBe('wait');
    expect(checkActionFor({ ...base, state: 'submitting', submittedAt: null }, runEnding(minutes(10)))).toBe(
      'cut-short',
    );
    expect(checkActionFor({ ...base, state: 'verified' }, runEnding(minutes(1)))).toBe('wait');
  });
});

describe('who hears of an outcome', () => {
  test('when verified, the submitter and approvers; when a mismatch, the admins too; a refused submission was answered already', () => {
    expect(outcomeNotice({ state: 'verified', failure: null, submittedAt: now })).toEqual({ toAdmins: false });
    expect(outcomeNotice({ state: 'mismatch', failure: null, submittedAt: now })).toEqual({ toAdmins: true });
    const refused = { publishStatus: null, code: 'OFFICIAL_ACCOUNT_API_ERROR', message: '' };
    expect(outcomeNotice({ state: 'failed', failure: refused, submittedAt: null })).toBeNull();
    const cutShort = { ...refused, code: 'SUBMISSION_INTERRUPTED' };
    expect(outcomeNotice({ state: 'failed', failure: cutShort, submittedAt: null })).toEqual({ toAdmins: false });
    expect(outcomeNotice({ state: 'failed', failure: { ...refused, publishStatus: 4 }, submittedAt: now })).toEqual({
      toAdmins: false,
    });
    expect(outcomeNotice({ state: 'failed', failure: { ...refused, publishStatus: 5 }, submittedAt: now })).toEqual({
      toAdmins: true,
    });
    expect(outcomeNotice({ state: 'publishing', failure: null, submittedAt: now })).toBeNull();
  });
});
