/**
 * The platform sweep as the people of a unit live it (issue 25, slice E): drafts approved in chat through
 * the real bot, articles on the fake platform — posted by hand in the back office, edited or deleted
 * there — and what each person then reads from the bot, with what the database keeps.
 */
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, withdrawOpenDrafts } from '../../support/chat-harness';
import { connectToFakePlatform } from '../../support/publication-factories';
import { openEmergencyAccount } from '../../support/connection-factories';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { PlatformArticleModel } from '../../../src/publication/platform-article-model';
import { articleTextOf, renderArticleHtml } from '../../../src/publication/article-html-rules';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { PostModel } from '../../../src/cadence/post-model';
import { DraftModel } from '../../../src/drafts/draft-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';

const platform = new FakeOfficialAccountServer();
const appId = 'wx7a1b2c3d4e5f6a7b';
const secrets = {
  appSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  token: 'SweepChatToken2026',
  encodingAesKey: 'Q2hhdFN3ZWVwVGVzdEtleUZvclRoZU9mZmljaWFsQWN',
};
let chat: ChatHarness;
let accountId: string;

beforeAll(async () => {
  await connectTestDatabase();
  const apiBaseUrl = await platform.start();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽', '赵海涛', '王建华', '李静']) await chat.bind(name);
  accountId = await openEmergencyAccount(chat.services, '平安应急');
  await connectToFakePlatform(chat.services, platform, { accountId, apiBaseUrl, appId, secrets });
  await chat.services.officialAccountConnections.test({ kind: 'operator', personId: null }, accountId);
}, 90_000);

afterEach(() => withdrawOpenDrafts(chat));

afterAll(async () => {
  await chat.stop();
  await platform.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

/** 刘洋 submits, 孙丽 and 赵海涛 approve in chat: the draft as stored once approved. */
async function approveInChat(title: string, body: string) {
  const code = codeIn(await chat.sayAndWait('刘洋', `投稿 ${title}\n${body}`, '已收到投稿'));
  await chat.waitFor('孙丽', `【待审核】#${code}`);
  await chat.sayAndWait('孙丽', `同意 ${code}`, '已记录：孙丽');
  await chat.waitFor('赵海涛', `【待审核】#${code}`);
  await chat.sayAndWait('赵海涛', `同意 ${code}`, '已记录：赵海涛');
  const draft = await DraftModel.findOne({ shortCode: code, status: 'approved' }).lean();
  if (!draft) throw new Error(`#${code} was not approved`);
  return { code, draftId: String(draft._id) };
}

/** An article posted by hand in the back office: the text as the platform's editor turns it into HTML. */
function postByHand(title: string, text: string) {
  return platform.postFromBackOffice(appId, { title, content: renderArticleHtml(text, []) });
}

const sweep = () => chat.services.sweeps.sweepConnected();
const recordOf = (articleId: string) => PlatformArticleModel.findOne({ articleId }).lean();
const messagesAbout = (articleId: string) =>
  OutboxMessageModel.countDocuments({ idempotencyKey: new RegExp(`^sweep:${accountId}:${articleId}:`) });

describe('an article nobody approved', () => {
  test('when it goes out from the back office, then the leader in charge and the admins are alerted, once', async () => {
    const leaderSeen = chat.messagesOf('王建华').length;
    const article = postByHand('关于调整办公时间的通知', '即日起，本局办公时间调整为8:30至17:30。');
    await sweep();

    const alert = await chat.waitFor('王建华', '【未经审核发布】', { after: leaderSeen });
    expect(alert).toContain('公众号“平安应急”');
    expect(alert).toContain('《关于调整办公时间的通知》');
    expect(alert).toContain(article.items[0].url);
    await chat.waitFor('李静', '《关于调整办公时间的通知》');
    expect(await recordOf(article.articleId)).toMatchObject({ finding: 'unapproved', alerted: true, draftId: null });
    const events = await AuditEventModel.find({ action: 'publication.unapproved', 'subject.id': accountId }).lean();
    expect(events.filter((event) => event.details.articleId === article.articleId)).toHaveLength(1);

    // The next sweep sees it again and tells nobody twice.
    const sent = await messagesAbout(article.articleId);
    expect(sent).toBe(2);
    await sweep();
    await chat.settle();
    expect(await messagesAbout(article.articleId)).toBe(sent);
    expect(chat.messagesOf('王建华').filter((text) => text.includes('关于调整办公时间的通知'))).toHaveLength(1);
    expect(await PlatformArticleModel.countDocuments({ articleId: article.articleId })).toBe(1);
  });
});

describe('an approved draft published by hand', () => {
  test('when the article says what was approved, then the sweep verifies it with no 已发布 report and the post is counted', async () => {
    const body = '冬春季节是火灾易发期。\n请各单位落实用火用电安全责任。';
    const { code, draftId } = await approveInChat('今冬明春防火提示', body);
    const officerSeen = chat.messagesOf('刘洋').length;
    const article = postByHand('今冬明春防火提示', articleTextOf({ body }));
    await sweep();

    const verified = await chat.waitFor('刘洋', '【发布核验】', { after: officerSeen });
    expect(verified).toContain(`#${code}`);
    expect(verified).toContain('一致');
    expect(await recordOf(article.articleId)).toMatchObject({
      finding: 'verified',
      draftId: new Types.ObjectId(draftId),
      versionNumber: 1,
    });
    const event = await AuditEventModel.findOne({ action: 'publication.verified', 'subject.id': draftId }).lean();
    expect(event?.details).toMatchObject({ articleId: article.articleId, url: article.items[0].url });
    expect(await PostModel.findOne({ draftId: new Types.ObjectId(draftId) }).lean()).toMatchObject({
      source: 'platform',
      flag: null,
      url: article.items[0].url,
    });
    await chat.settle();
    expect(chat.messagesOf('王建华').some((text) => text.includes('【未经审核发布】') && text.includes(code))).toBe(
      false,
    );
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });

  test('when it is deleted on the platform afterwards, then the leader in charge, the officer and the admins are alerted, once', async () => {
    const body = '本周六上午开展应急疏散演练，请各科室做好准备。';
    const { code } = await approveInChat('应急疏散演练通知', body);
    const article = postByHand('应急疏散演练通知', articleTextOf({ body }));
    await sweep();
    expect((await recordOf(article.articleId))?.finding).toBe('verified');

    platform.deleteArticle(article.articleId);
    await sweep();
    for (const name of ['王建华', '刘洋', '李静']) {
      const alert = await chat.waitFor(name, '【已核验文章被删除】');
      expect(alert).toContain(`#${code}`);
    }
    expect(await recordOf(article.articleId)).toMatchObject({ finding: 'verified', deleted: true });
    const alerts = await OutboxMessageModel.countDocuments({ idempotencyKey: /:deleted:/, text: new RegExp(code) });
    await sweep();
    await chat.settle();
    expect(await OutboxMessageModel.countDocuments({ idempotencyKey: /:deleted:/, text: new RegExp(code) })).toBe(
      alerts,
    );
  });

  test('when its text is changed on the platform afterwards, then the change is alerted with the difference', async () => {
    const body = '今年全县投入防汛资金500万元。';
    const { code } = await approveInChat('防汛资金安排情况', body);
    const article = postByHand('防汛资金安排情况', articleTextOf({ body }));
    await sweep();
    platform.editPublishedArticle(article.articleId, renderArticleHtml('今年全县投入防汛资金800万元。', []));
    await sweep();
    const alert = await chat.waitFor('孙丽', '【已核验文章被改动】');
    expect(alert).toContain(`#${code}`);
    expect(alert).toContain('【500】→【800】');
    await chat.waitFor('王建华', '【已核验文章被改动】');
    expect((await recordOf(article.articleId))?.replacedBy).not.toBe('');
  });
});

describe('an article like an approved one', () => {
  test('when it went out with the approved title but other words, then the submitter, the approvers and the admins get the difference', async () => {
    const { code, draftId } = await approveInChat('森林防火宣传周活动安排', '宣传周定于11月9日开始，为期一周。');
    const article = postByHand('森林防火宣传周活动安排', '宣传周定于11月16日开始，为期一周。');
    await sweep();
    for (const name of ['刘洋', '孙丽', '赵海涛', '李静']) {
      const told = await chat.waitFor(name, '【发布核验不一致】');
      expect(told).toContain(`#${code}`);
      expect(told).toContain('【9】→【16】');
    }
    expect(await recordOf(article.articleId)).toMatchObject({
      finding: 'mismatch',
      draftId: new Types.ObjectId(draftId),
    });
    const event = await AuditEventModel.findOne({ action: 'publication.mismatch', 'subject.id': draftId }).lean();
    expect(event?.details).toMatchObject({ placeCount: 1 });
    expect(await PostModel.findOne({ articleKey: `${accountId}:${article.articleId}:0` }).lean()).toMatchObject({
      flag: 'mismatch',
    });
  });
});
