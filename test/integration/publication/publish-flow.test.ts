/**
 * Publishing an approved draft through the 公众号 platform (issue 25, slice D), through the real bot
 * and database against the fake platform: 发布 → the platform's result → the article verified against
 * the approved version; an article changed on the platform is a mismatch, with the difference sent;
 * each failure status tells the officer and leaves the draft publishable; a result that is never pushed
 * is found by the check job; one attempt in flight per draft; only the submitter or the unit's admin
 * publishes; no secret reaches a log line, the trail or a message.
 */
import type http from 'node:http';
import { FileBox } from 'file-box';
import { Types } from 'mongoose';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { PublicationModel } from '../../../src/publication/publication-model';
import type { Publication } from '../../../src/publication/publication-model';
import { DraftModel } from '../../../src/drafts/draft-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { PostModel } from '../../../src/cadence/post-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, withdrawOpenDrafts } from '../../support/chat-harness';
import { openAccount } from '../../support/registry-factories';
import { capturingLogger, connectToFakePlatform, startPushedServer } from '../../support/publication-factories';
import type { FakeAccountCredentials } from '../../support/publication-factories';

const { logger, lines: logLines } = capturingLogger();
const platform = new FakeOfficialAccountServer();
const account: FakeAccountCredentials = {
  appId: 'wx5d1e2f3a4b5c6d7e',
  secrets: {
    appSecret: 'c0ffee12c0ffee34c0ffee56c0ffee78',
    token: 'ShenfaPublishToken',
    encodingAesKey: 'UHVibGlzaEZyb21UaGVBcHByb3ZlZEJ5dGVzT25seTA',
  },
};
const { appId, secrets } = account;
let chat: ChatHarness;
let server: http.Server;
let accountId: string;

beforeAll(async () => {
  await connectTestDatabase();
  const apiBaseUrl = await platform.start();
  chat = await ChatHarness.start({ logger });
  for (const name of ['刘洋', '孙丽', '赵海涛', '李静', '王建华', '蒋明']) await chat.bind(name);
  const opened = await openAccount(chat.services, {
    unit: '县应急管理局',
    name: '应急先锋',
    leader: '王建华',
    admin: '刘洋',
  });
  accountId = String(opened._id);
  await connectToFakePlatform(chat.services, platform, { ...account, accountId, apiBaseUrl, author: '县应急管理局' });
  // Our server with the push endpoint, as main.ts mounts it; the back office points the pushes at it.
  server = await startPushedServer(chat.services, platform, { ...account, accountId, logger });
}, 90_000);

// Each test publishes its own drafts; what it leaves in review is withdrawn.
afterEach(() => withdrawOpenDrafts(chat));

afterAll(async () => {
  server.close();
  await chat.stop();
  await platform.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

/** 刘洋 submits; 孙丽 and 赵海涛 approve both steps. */
async function approvedDraft(title: string, body: string): Promise<string> {
  const seen = chat.messagesOf('刘洋').length;
  const code = codeIn(await chat.sayAndWait('刘洋', `投稿 ${title}\n${body}`, '已收到投稿'));
  await approve(code, seen);
  return code;
}

async function approve(code: string, officerSeen: number): Promise<void> {
  await chat.sayAndWait('孙丽', `同意 ${code}`, new RegExp(`已记录：孙丽.* 同意 #${code}`));
  await chat.sayAndWait('赵海涛', `同意 ${code}`, new RegExp(`已记录：赵海涛.* 同意 #${code}`));
  await chat.waitFor('刘洋', new RegExp(`#${code}[\\s\\S]*稿件已审核通过`), { after: officerSeen });
}

async function draftOf(code: string) {
  const [draft] = await DraftModel.find({ shortCode: code }).sort({ createdAt: -1 }).limit(1).lean();
  return draft;
}

async function publicationsOf(code: string): Promise<Publication[]> {
  const draft = await draftOf(code);
  return PublicationModel.find({ draftId: draft._id }).sort({ createdAt: -1 }).lean<Publication[]>();
}

/** The check job's run `minutes` after the draft's latest attempt was submitted. */
async function checkAfter(code: string, minutes: number): Promise<void> {
  const [latest] = await publicationsOf(code);
  const until = new Date((latest.submittedAt ?? latest.stateChangedAt).getTime() + minutes * 60_000);
  await chat.services.publications.checkUnfinished({ after: new Date(until.getTime() - 30_000), until });
}

/** 发布 by `name`, answered with the submission; the platform pushes its result when it is done. */
function publish(name: string, code: string): Promise<string> {
  return chat.sayAndWait(name, `发布 ${code}`, `已提交发布：#${code}`);
}

describe('发布 from the approved version', () => {
  test('when an approved draft is published, then the article says what was approved and everyone is told it is verified', async () => {
    const seen = { officer: chat.messagesOf('刘洋').length, leader: chat.messagesOf('孙丽').length };
    const code = await approvedDraft('防汛演练通知', '各乡镇：定于12月1日开展防汛演练。\n请做好准备。');
    const approvedReceipt = chat
      .messagesOf('刘洋')
      .find((text) => text.includes(`#${code}`) && text.includes('稿件已审核通过'));
    expect(approvedReceipt).toContain(`回复“发布 ${code}”，由审发按审核通过的版本发布到公众号并核验`);
    expect(approvedReceipt).not.toContain('已发布 ');
    const answer = await publish('刘洋', code);
    expect(answer).toContain(`已提交发布：#${code} 《防汛演练通知》 → 公众号“应急先锋”`);

    const verified = await chat.waitFor('刘洋', '【发布核验】', { after: seen.officer });
    expect(verified).toContain('经核验与审核通过的第1版一致');
    await chat.waitFor('孙丽', `【发布核验】#${code}`, { after: seen.leader });
    await chat.waitFor('赵海涛', `【发布核验】#${code}`);

    const [publication] = await publicationsOf(code);
    const draft = await draftOf(code);
    expect(publication).toMatchObject({ state: 'verified', versionNumber: 1, openKey: String(publication._id) });
    expect(publication.verification).toMatchObject({ placeCount: 0, deleted: false });
    const article = platform.articles.article(publication.articleId);
    expect(article?.items[0]).toMatchObject({ title: '防汛演练通知', author: '县应急管理局' });
    expect(draft).toMatchObject({ status: 'published', publication: { url: publication.articleUrl } });
    expect(publication.contentHash).toBe(draft.versions[0].contentHash);
    // The cadence counts the post, as it does for 已发布.
    expect(await PostModel.countDocuments({ draftId: draft._id })).toBe(1);

    const events = await AuditEventModel.find({ 'subject.id': String(draft._id) })
      .sort({ _id: 1 })
      .lean();
    expect(events.map((event) => event.action)).toEqual([
      'draft.submitted',
      'draft.approved',
      'draft.approved',
      'publication.submitted',
      'publication.finished',
      'draft.published',
      'publication.verified',
    ]);
    expect(events.find((event) => event.action === 'publication.submitted')?.details).toMatchObject({
      mediaId: publication.mediaId,
      publishId: publication.publishId,
    });
    expect(events.find((event) => event.action === 'publication.finished')?.details).toMatchObject({
      publishStatus: 0,
      articleId: publication.articleId,
      url: publication.articleUrl,
    });
    expect(await verifyAuditChain()).toMatchObject({ ok: true });

    const view = await chat.sayAndWait('刘洋', `查看 ${code}`, `#${code}`);
    expect(view).toContain(`公众号发布：第1版已发布 ${publication.articleUrl}`);
    expect(view).toContain('发布核验：与审核通过的第1版一致');
    await chat.sayAndWait('刘洋', `发布 ${code}`, '不能再次发布');
  });

  test('when the draft has an image, then the image is uploaded to the platform and is the cover', async () => {
    const seen = chat.messagesOf('刘洋').length;
    chat.sendFile('刘洋', FileBox.fromBase64(Buffer.from('a photo of the drill').toString('base64'), '演练现场.png'));
    const code = codeIn(await chat.waitFor('刘洋', '已收到投稿', { after: seen }));
    await approve(code, seen);
    await publish('刘洋', code);
    await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen });

    const [publication] = await publicationsOf(code);
    const [sent] = platform.articles.article(publication.articleId)?.items ?? [];
    expect(sent.content).toMatch(/<img src="[^"]+">/);
    expect(publication.state).toBe('verified');
  });

  test('when the article on the platform differs from the approved version, then it is a mismatch and the difference goes to the submitter, the approvers and the admins', async () => {
    const seen = { officer: chat.messagesOf('刘洋').length, admin: chat.messagesOf('李静').length };
    const code = await approvedDraft('森林防火提示', '今年投入资金500万元用于森林防火。');
    platform.alterNextPublication((content) => content.replace('500', '800'));
    await publish('刘洋', code);

    const told = await chat.waitFor('刘洋', '【发布核验不一致】', { after: seen.officer });
    expect(told).toContain(`#${code}`);
    expect(told).toContain('有 1 处不同');
    expect(told).toContain('【500】→【800】');
    for (const name of ['孙丽', '赵海涛']) await chat.waitFor(name, `【发布核验不一致】#${code}`);
    await chat.waitFor('李静', `【发布核验不一致】#${code}`, { after: seen.admin });

    const [publication] = await publicationsOf(code);
    expect(publication).toMatchObject({ state: 'mismatch', verification: { placeCount: 1 } });
    expect(publication.verification?.summary).toContain('【500】→【800】');
    const draft = await draftOf(code);
    const mismatch = await AuditEventModel.findOne({ key: `publication:${String(publication._id)}:r2` }).lean();
    expect(mismatch).toMatchObject({
      action: 'publication.mismatch',
      subject: { type: 'draft', id: String(draft._id) },
      details: { placeCount: 1 },
    });
    const view = await chat.sayAndWait('刘洋', `查看 ${code}`, `#${code}`);
    expect(view).toContain('发布核验：与审核通过的第1版有 1 处不同');
  });
});

describe('the platform result', () => {
  test.each([
    [2, '原创声明未通过'],
    [3, '平台常规失败'],
    [4, '未通过公众号平台审核'],
  ])(
    'when the platform finishes with status %p, then the officer and the approvers are told (%p) and 发布 again works',
    async (status, words) => {
      const seen = { officer: chat.messagesOf('刘洋').length, leader: chat.messagesOf('赵海涛').length };
      const code = await approvedDraft(`发布失败演示${status}`, '正文。');
      platform.finishNextWith(status);
      await publish('刘洋', code);

      const failed = await chat.waitFor('刘洋', '【发布失败】', { after: seen.officer });
      expect(failed).toContain(words);
      expect(failed).toContain('稿件仍为审核通过状态');
      await chat.waitFor('赵海涛', `【发布失败】#${code}`, { after: seen.leader });
      const [first] = await publicationsOf(code);
      expect(first).toMatchObject({ state: 'failed', failure: { publishStatus: status } });
      expect((await draftOf(code)).status).toBe('approved');

      await publish('刘洋', code);
      await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen.officer });
      const attempts = await publicationsOf(code);
      expect(attempts.map((attempt) => attempt.state)).toEqual(['verified', 'failed']);
      expect((await draftOf(code)).status).toBe('published');
    },
  );

  test('when the platform bans the article, then the admins are told too and the same version cannot go again', async () => {
    const seen = chat.messagesOf('李静').length;
    const code = await approvedDraft('屏蔽演示', '正文。');
    platform.finishNextWith(6);
    await publish('刘洋', code);
    await chat.waitFor('李静', `【已被平台屏蔽】#${code}`, { after: seen });
    await chat.waitFor('刘洋', `【已被平台屏蔽】#${code}`);
    const refusal = await chat.sayAndWait('刘洋', `发布 ${code}`, '不能原样再次发布');
    expect(refusal).toContain(`修改 ${code}`);
    expect((await publicationsOf(code)).length).toBe(1);
  });

  test('when no push comes and the publication is slow, then the check job asks with backoff and finds the result', async () => {
    const seen = chat.messagesOf('刘洋').length;
    const code = await approvedDraft('慢速发布', '平台处理较慢的一篇。');
    platform.holdPublications = true;
    platform.pushesEnabled = false;
    try {
      await publish('刘洋', code);
      const [waiting] = await publicationsOf(code);
      expect(waiting.state).toBe('publishing');

      // Between the checks at 1 and 2 minutes nothing is asked; the check at 2 minutes still finds it publishing.
      await platform.finishPublication(waiting.publishId);
      await checkAfter(code, 1.5);
      expect((await publicationsOf(code))[0].state).toBe('publishing');
      await checkAfter(code, 2);
      await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen });
      expect((await publicationsOf(code))[0].state).toBe('verified');
    } finally {
      platform.holdPublications = false;
      platform.pushesEnabled = true;
    }
  });

  test('when the push and the check job both bring the result, then it is recorded once and told once', async () => {
    const seen = chat.messagesOf('刘洋').length;
    const code = await approvedDraft('结果只记一次', '正文。');
    await publish('刘洋', code);
    await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen });
    await checkAfter(code, 1);
    await checkAfter(code, 2);
    // The platform retries a push it thinks was not answered: the same push again is taken on once.
    const pushed = platform.pushes.at(-1);
    expect(pushed?.status).toBe(200);
    if (pushed) expect((await platform.repost(pushed)).body).toBe('success');
    await chat.settle();

    const draft = await draftOf(code);
    const events = await AuditEventModel.find({ 'subject.id': String(draft._id) }).lean();
    expect(events.map((event) => event.action).filter((action) => action.startsWith('publication.'))).toEqual([
      'publication.submitted',
      'publication.finished',
      'publication.verified',
    ]);
    expect(
      chat
        .messagesOf('刘洋')
        .slice(seen)
        .filter((text) => text.includes('【发布核验】')),
    ).toHaveLength(1);
  });

  test('when a submission was cut short by a crash, then after ten minutes it is closed, the officer is told to check the back office, and 发布 works again', async () => {
    const seen = chat.messagesOf('刘洋').length;
    const code = await approvedDraft('提交中断', '正文。');
    const draft = await draftOf(code);
    // What a process that died between claiming the attempt and the platform's answer leaves behind.
    const crashedAt = new Date(Date.now() - 11 * 60_000);
    const facts = await chat.services.drafts.findForPublication({ code });
    await PublicationModel.create({
      draftId: draft._id,
      draftCode: code,
      unitId: draft.unitId,
      accountId,
      submitterId: draft.submitterId,
      requestedById: draft.submitterId,
      approverIds: facts.approverIds,
      versionNumber: 1,
      contentHash: facts.approvedHash ?? '',
      title: '提交中断',
      text: '正文。',
      stateChangedAt: crashedAt,
    });
    await chat.sayAndWait('刘洋', `发布 ${code}`, '该稿件正在发布中');

    await chat.services.publications.checkUnfinished({ after: new Date(Date.now() - 30_000), until: new Date() });
    const told = await chat.waitFor('刘洋', `【发布未成功】#${code}`, { after: seen });
    expect(told).toContain('请先在公众号后台「发表记录」中确认是否已发布');
    expect((await publicationsOf(code))[0]).toMatchObject({
      state: 'failed',
      failure: { code: 'SUBMISSION_INTERRUPTED' },
    });
    await publish('刘洋', code);
    await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen });
  });

  test('when a second 发布 comes while one is in flight, then it is refused and nothing more is sent to the platform', async () => {
    const code = await approvedDraft('重复发布', '只应发出一次。');
    platform.holdPublications = true;
    try {
      const published = platform.articles.published(appId).length;
      await chat.sayAndWait('刘洋', `发布 ${code}`, '已提交发布');
      await chat.sayAndWait('李静', `发布 ${code}`, '该稿件正在发布中，请等待平台返回结果');
      const attempts = await publicationsOf(code);
      expect(attempts.map((attempt) => attempt.state)).toEqual(['publishing']);
      await platform.finishPublication(attempts[0].publishId);
      await chat.waitFor('刘洋', `【发布核验】#${code}`);
      expect((await publicationsOf(code))[0].state).toBe('verified');
      expect(platform.articles.published(appId).length).toBe(published + 1);
    } finally {
      platform.holdPublications = false;
    }
  });
});

describe('who may publish', () => {
  test('when an officer of another unit sends 发布, then the draft is not found; an approver is refused; the admin may', async () => {
    const code = await approvedDraft('谁能发布', '正文。');
    await chat.sayAndWait('蒋明', `发布 ${code}`, `找不到编号为 #${code} 的稿件，请核对编号`);
    await chat.sayAndWait('孙丽', `发布 ${code}`, '只有投稿人或本单位管理员可以发布稿件');
    expect(await publicationsOf(code)).toEqual([]);

    await publish('李静', code);
    await chat.waitFor('李静', `【发布核验】#${code}`);
    const [publication] = await publicationsOf(code);
    expect(publication).toMatchObject({ state: 'verified', requestedById: expect.any(Types.ObjectId) });
    expect(await chat.services.people.findPersonByName('李静')).toEqual([
      expect.objectContaining({ id: String(publication.requestedById) }),
    ]);
  });

  test('when a draft is not approved yet, then 发布 is refused', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 未审先发\n正文。', '已收到投稿'));
    await chat.sayAndWait('刘洋', `发布 ${code}`, '未经审核同意不得发布');
    expect(await publicationsOf(code)).toEqual([]);
  });

  test('when the account publishes automatically, then the last approval publishes the draft', async () => {
    const operator = { kind: 'operator', personId: null } as const;
    const connections = chat.services.officialAccountConnections;
    const shown = await connections.show(operator, accountId);
    await connections.set(operator, accountId, { appId, apiBaseUrl: shown.apiBaseUrl, autoPublish: true });
    try {
      const seen = chat.messagesOf('刘洋').length;
      const code = await approvedDraft('自动发布', '审核通过即发布。');
      await chat.waitFor('刘洋', '稿件已审核通过，将按审核通过的版本自动发布到公众号', { after: seen });
      await chat.waitFor('刘洋', `审核已通过，已自动提交发布：#${code}`, { after: seen });
      await chat.waitFor('刘洋', `【发布核验】#${code}`, { after: seen });
      const [publication] = await publicationsOf(code);
      expect(publication).toMatchObject({ state: 'verified', requestedById: null });
    } finally {
      await connections.set(operator, accountId, { appId, apiBaseUrl: shown.apiBaseUrl, autoPublish: false });
    }
  });
});

describe('secrets', () => {
  test('when publications were made, then no secret is in a log line, an audit event, a message or a publication', async () => {
    const code = await approvedDraft('密钥不外泄', '正文。');
    await publish('刘洋', code);
    await chat.waitFor('刘洋', `【发布核验】#${code}`);
    await chat.services.audit.settle();
    const stored = JSON.stringify([
      await AuditEventModel.find({}).lean(),
      await OutboxMessageModel.find({}).lean(),
      await PublicationModel.find({}).lean(),
    ]);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of Object.values(secrets)) {
      expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
      expect(stored).not.toContain(secret);
    }
  });
});
