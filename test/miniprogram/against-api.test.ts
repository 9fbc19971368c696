/**
 * @jest-environment node
 *
 * The mini-program's own API layer (lib/api.ts, the request wrapper, the view rules) against the real
 * admin API: the Koa server over HTTP, the real services and database, a local fake of WeChat's
 * jscode2session. Only `wx` is stood in for, by plain HTTP; the develop base URL is pointed at the test
 * server's port. Drafts are made the way the chat makes them (submit, reject, revise, approve).
 */
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/shared/clock';
import { createServices } from '../../src/services';
import type { Services } from '../../src/services';
import { createLogger } from '../../src/shared/logger';
import { AccessTokens } from '../../src/api/access-tokens';
import { connectTestDatabase, disconnectTestDatabase } from '../support/database';
import { importSampleOrganization, personId, unitId } from '../support/people-factories';
import { startApi, startFakeWechat } from '../support/api-harness';
import { api, currentPerson, saveLogin, session } from '../../miniprogram/app/lib/api';
import { ApiError } from '../../miniprogram/app/lib/api-error';
import { deployment } from '../../miniprogram/app/config';
import {
  toDiffView,
  toDraftDetailView,
  toTimelineRows,
  toVerifyResult,
} from '../../miniprogram/app/lib/draft-detail-view';
import { toDashboardView } from '../../miniprogram/app/lib/dashboard-view';
import { toAccountDetail, toAccountRow } from '../../miniprogram/app/lib/account-view';
import { toConnectionDisplay, toConnectionSettings } from '../../miniprogram/app/lib/connection-view';
import { FakeOfficialAccountServer } from '../../src/publication/fake-official-account-server';
import { toInquiryRow, toInquiryFiguresCard } from '../../miniprogram/app/lib/inquiry-list-view';
import {
  answerOutcome,
  toInquiryDetailView,
  toTransferUnitOptions,
} from '../../miniprogram/app/lib/inquiry-detail-view';
import { emptyRegistrationForm, toInquiryRegistration } from '../../miniprogram/app/lib/inquiry-registration-view';
import { openAccount } from '../support/registry-factories';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('miniprogram-e2e-secret-0123456789abcdef', 3600, clock);
let services: Services;
let server: http.Server;
let wechat: Awaited<ReturnType<typeof startFakeWechat>>;
let serverUrl = '';
const requested: string[] = [];
const storage = new Map<string, unknown>();
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-mp-downloads-'));
const reLaunch = jest.fn();

/** wx.request / wx.downloadFile over plain HTTP to the test server. */
async function send(options: { url: string; method?: string; header?: object; data?: unknown }) {
  const url = options.url.replace(deployment.apiBaseUrls.develop, serverUrl);
  requested.push(`${options.method ?? 'GET'} ${new URL(url).pathname}`);
  return fetch(url, {
    method: options.method ?? 'GET',
    headers: options.header as Record<string, string>,
    body: typeof options.data === 'string' ? options.data : undefined,
  });
}

function installWx(): void {
  (globalThis as unknown as { wx: object }).wx = {
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-test', envVersion: 'develop', version: '' } }),
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => storage.set(key, value),
    removeStorageSync: (key: string) => storage.delete(key),
    reLaunch,
    request: (options: WechatMiniprogram.RequestOption) => {
      send(options)
        .then(async (response) => {
          const text = await response.text();
          options.success?.({ statusCode: response.status, data: text ? JSON.parse(text) : '' } as never);
        })
        .catch((error: Error) => options.fail?.({ errMsg: `request:fail ${error.message}` } as never));
    },
    downloadFile: (options: WechatMiniprogram.DownloadFileOption) => {
      send(options)
        .then(async (response) => {
          const tempFilePath = path.join(downloads, `download-${requested.length}`);
          fs.writeFileSync(tempFilePath, Buffer.from(await response.arrayBuffer()));
          options.success?.({ statusCode: response.status, tempFilePath } as never);
        })
        .catch((error: Error) => options.fail?.({ errMsg: `downloadFile:fail ${error.message}` } as never));
    },
    getFileSystemManager: () => ({ readFileSync: (file: string) => fs.readFileSync(file, 'utf8') }),
  };
}

const actor = async (name: string) => ({ personId: await personId(name), via: 'test-chat' });

/** What a person does on a new phone: wx.login, learn it is unbound, enter the bot's code. */
async function bindOnPhone(name: string, openid: string) {
  storage.clear();
  const refused = await api.loginWithWechat({ code: `code-${openid}` }).catch((error: unknown) => error);
  expect(refused).toMatchObject({ code: 'MINI_PROGRAM_NOT_BOUND', status: 403 });
  const { code } = await services.people.createMiniProgramBindCode(await personId(name));
  saveLogin(await api.bind({ code: `code-${openid}`, bindCode: code }));
}

let draftCode = '';

beforeAll(async () => {
  await connectTestDatabase();
  services = createServices({ clock, logger: createLogger('silent') });
  await importSampleOrganization(services.people);
  wechat = await startFakeWechat();
  server = startApi(services, { wechatBaseUrl: wechat.baseUrl, tokens }).server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  installWx();

  const draft = await services.drafts.submitDraft(await actor('刘洋'), {
    title: '关于防汛值班的通知',
    body: '各单位做好汛期值班，值班电话 0310-1234567。',
  });
  draftCode = draft.code;
  await services.drafts.decide(await actor('孙丽'), {
    code: draftCode,
    decision: 'reject',
    comment: '请写明值班时间',
    versionNumber: null,
  });
  await services.drafts.revise(await actor('刘洋'), {
    code: draftCode,
    title: null,
    body: '各单位自12月1日起做好汛期值班，值班电话 0310-1234567。',
  });
  await services.drafts.decide(await actor('孙丽'), {
    code: draftCode,
    decision: 'approve',
    comment: '',
    versionNumber: null,
  });
}, 60_000);

afterAll(async () => {
  server.close();
  await wechat.close();
  await services.audit.settle();
  await disconnectTestDatabase();
  fs.rmSync(downloads, { recursive: true, force: true });
});

describe('the mini-program against the real admin API', () => {
  test('when an admin binds on a new phone, then the session holds the admin profile', async () => {
    await bindOnPhone('李静', 'openid-lijing');
    expect(currentPerson()).toMatchObject({ name: '李静', roles: ['admin'] });
  });

  test('when the admin reads the dashboard, drafts, detail, diff and timeline, then the pages get what they show', async () => {
    const dashboard = toDashboardView(await api.dashboard());
    expect(dashboard.statusChart.rows[0]).toMatchObject({ label: '审核中', value: 1 });

    const list = await api.drafts({ limit: 20 });
    expect(list.items.map((item) => item.code)).toEqual([draftCode]);
    expect(list.items[0]).toMatchObject({ currentVersion: 2, currentStep: 2, stepCount: 2 });

    const detail = toDraftDetailView(await api.draft(draftCode));
    expect(
      detail.steps[0].decisions.map(
        (decision) => `${decision.decisionText} ${decision.who} ${decision.boundText.slice(0, 5)}`,
      ),
    ).toEqual(['驳回 孙丽 第 1 版', '同意 孙丽 第 2 版']);

    const diff = toDiffView(await api.draftDiff(draftCode, 1, 2));
    expect(diff.bodyChanged).toBe(true);
    expect(
      diff.body
        .filter((segment) => segment.kind === 'added')
        .map((segment) => segment.text)
        .join(''),
    ).toContain('12月1日');

    const timeline = toTimelineRows((await api.draftTimeline(draftCode)).events);
    expect(timeline.map((row) => `${row.actionText} ${row.who}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ 刘洋$/), expect.stringMatching(/ 孙丽$/)]),
    );
    expect(timeline.find((row) => row.reason === '请写明值班时间')).toMatchObject({
      who: '孙丽',
      versionText: '第 1 版',
    });
  });

  test('when the admin taps 校验审计链, then the real chain verifies', async () => {
    const result = toVerifyResult(await api.verifyAudit());
    expect(result).toMatchObject({ ok: true, title: '审计记录完整' });
  });

  test('when the admin uses the organisation pages, then units, people, routes, bind codes and delegations work', async () => {
    expect((await api.units()).items.map((unit) => unit.name)).toContain('县应急管理局');
    const people = await api.people({ q: '刘洋', limit: 20 });
    expect(people.items.map((person) => person.name)).toEqual(['刘洋']);
    const issued = await api.issueBindCode(people.items[0].id);
    expect(issued.code).toMatch(/^\d{6}$/);
    expect((await api.approvalRoutes()).items.map((route) => route.unit.name)).toEqual(
      expect.arrayContaining(['县应急管理局', '县教育局']),
    );

    const created = await api.createDelegation({
      personId: await personId('孙丽'),
      delegateId: await personId('钱卫东'),
      from: '2026-12-01',
      until: '2026-12-08',
    });
    const delegation = created.items.find((item) => item.delegate.name === '钱卫东');
    expect((await api.delegations()).items.map((item) => item.id)).toContain(delegation?.id);
    expect(await api.endDelegation(delegation?.id ?? '')).toMatchObject({
      person: { name: '孙丽' },
      cancelledAt: expect.any(String),
    });
  });

  test('when the admin works the registry, then the pages read accounts, figures and reviews and the actions land', async () => {
    const applied = await services.accounts.apply(await actor('李静'), {
      unitId: await unitId('某县人民政府/县应急管理局'),
      platform: 'weibo',
      name: '应急微博',
      purpose: '发布预警和应急科普',
      scope: '',
      leaderInChargeId: await personId('王建华'),
      backendAdminId: await personId('刘洋'),
      backendAdminPhone: '0310-7654321',
      openedOn: '2026-11-20',
    });
    const id = String(applied._id);
    const figures = { cadence: new Map(), reviews: new Map(), today: '2026-11-26' };
    const listed = (await api.accounts({ limit: 100 })).accounts.map((account) => toAccountRow(account, figures));
    expect(listed.find((row) => row.id === id)).toMatchObject({ statusText: '开办申请待审批', platformText: '微博' });

    const refused = await api.decideOpening(id, { decision: 'reject', reason: '' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as ApiError).message).toMatch(/理由/);

    const approved = await api.decideOpening(id, { decision: 'approve', documentNumber: '应急〔2026〕9号' });
    expect(toAccountDetail(approved, [], '2026-11-26').actions).toMatchObject({ file: true, requestClosure: true });
    const risks = toDashboardView(await api.dashboard()).risks.find((risk) => risk.key === id);
    expect(risks?.reasons.map((reason) => reason.kind)).toContain('备案');

    await api.fileOpening(id, { note: '材料齐全' });
    const closing = await api.advanceClosure(id, { step: 'requested', note: '与政务微博合并' });
    const detail = toAccountDetail(closing, (await api.annualReviews({ accountId: id })).reviews, '2026-11-26');
    expect(detail.closure.filter((step) => step.done).map((step) => step.text)).toEqual(['申请关停']);
    expect(detail.actions.nextClosureText).toBe('批准关停');
    expect(detail.filings.map((filing) => filing.kindText)).toEqual(['开办备案']);
    expect((await api.cadence()).accounts.every((view) => typeof view.daysSincePost === 'number')).toBe(true);
  });

  test('when the admin connects a 微信公众号 account, then the settings land, the test reaches the platform, and no answer carries a secret', async () => {
    await bindOnPhone('李静', 'openid-lijing-connection');
    const secrets = {
      appSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
      token: 'PhoneToken2026',
      encodingAesKey: 'TWluaVByb2dyYW1TZW5kc1NlY3JldHNPbmNlT25seQ1',
    };
    const platform = new FakeOfficialAccountServer();
    platform.addAccount({ appId: 'wx00112233445566aa', appSecret: secrets.appSecret });
    const apiBaseUrl = await platform.start();
    try {
      const applied = await services.accounts.apply(await actor('李静'), {
        unitId: await unitId('某县人民政府/县教育局'),
        platform: 'wechat-official-account',
        name: '教育之窗',
        purpose: '发布教育政务信息',
        scope: '',
        leaderInChargeId: await personId('吴国庆'),
        backendAdminId: await personId('冯涛'),
        backendAdminPhone: '0310-7654321',
        openedOn: '2026-11-20',
      });
      const id = String(applied._id);
      const display = async (answer: Promise<Parameters<typeof toConnectionDisplay>[0]>) => {
        const view = await answer;
        for (const secret of Object.values(secrets)) expect(JSON.stringify(view)).not.toContain(secret);
        return toConnectionDisplay(view, deployment.apiBaseUrls.develop);
      };

      expect((await display(api.connection(id))).unset).toBe(true);
      const form = { appId: 'wx00112233445566aa', apiBaseUrl, ...secrets, author: '县教育局', autoPublish: true };
      expect((await display(api.setConnection(id, toConnectionSettings(form)))).stateText).toBe('已保存，尚未测试');
      const tested = await display(api.testConnection(id));
      expect([tested.stateText, tested.lastTestFailed]).toEqual(['已连接', false]);
      expect(tested.fields).toEqual(
        expect.arrayContaining([
          { label: '发布方式', value: '审核通过后自动发布' },
          { label: '文章作者', value: '县教育局' },
        ]),
      );
      expect(tested.pushUrl).toBe(`${deployment.apiBaseUrls.develop}/wechat-official/push/${id}`);
      expect((await display(api.removeConnection(id))).unset).toBe(true);
    } finally {
      await platform.stop();
    }
  });

  test('when the admin exports the drafts, then an XLSX file is downloaded with the token', async () => {
    const filePath = await api.downloadExport('drafts', { from: '2026-11-01', to: '2026-11-30', format: 'xlsx' });
    expect(fs.readFileSync(filePath).subarray(0, 2).toString()).toBe('PK');
  });

  test('when an inquiry is registered by hand, then the 留言 list, detail, answer, figures and ledger work for the admin', async () => {
    const account = await openAccount(services, {
      unit: '县应急管理局',
      name: '应急抖音',
      platform: 'douyin',
      leader: '王建华',
      admin: '刘洋',
    });
    const registered = await services.inquiries.register(await actor('刘洋'), {
      accountId: String(account._id),
      text: '请问防汛沙袋在哪里领取？我的电话13812345678',
      citizenLabel: '微博用户 王先生',
    });

    const rows = (await api.inquiries({ status: 'open', limit: 20 })).items.map(toInquiryRow);
    expect(rows.find((row) => row.code === registered.code)).toMatchObject({
      accountName: '应急抖音',
      kindText: '咨询',
      statusText: '办理中',
      overdue: false,
      // The admin is not of the answering unit: the citizen's number is masked.
      excerpt: '请问防汛沙袋在哪里领取？我的电话138****5678',
    });

    const detail = toInquiryDetailView(await api.inquiry(registered.code));
    expect(detail).toMatchObject({
      masked: true,
      actionable: true,
      sourceText: '手工登记',
      citizenText: '微博用户 王先生',
    });
    expect(detail.timeline.map((row) => `${row.actionText} ${row.who}`)).toEqual(['受理留言 刘洋']);

    // Past the 15 working days a promise may reach: refused, in the server's words.
    const refused = await api
      .extendInquiry(String(registered._id), { dueOn: '2027-06-01', reason: '需会商' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, code: 'EXTENSION_INVALID' });
    expect((refused as ApiError).message).toMatch(/[\u4e00-\u9fa5]/);
    const result = await api.answerInquiry(String(registered._id), '沙袋在各村委会领取。');
    expect(answerOutcome(result)).toEqual({ done: true, text: '已记录答复' });
    const answered = toInquiryDetailView(result.inquiry);
    expect(answered).toMatchObject({ statusText: '已答复', actionable: false });
    expect(answered.messages.at(-1)).toMatchObject({ who: '答复 · 李静', text: '沙袋在各村委会领取。' });

    const card = toInquiryFiguresCard(await api.inquiryFigures('2026-11'));
    expect(card.figures.slice(0, 2).map((figure) => `${figure.value} ${figure.label}`)).toEqual([
      '1 留言数',
      '100% 答复率',
    ]);
    const ledger = await api.downloadInquiryLedger({ month: '2026-11', format: 'xlsx' });
    expect(fs.readFileSync(ledger).subarray(0, 2).toString()).toBe('PK');
  });

  test('when inquiries are registered from the form and transferred, then the officer names the account, one outside their scope is refused in words, and the admin picks the unit', async () => {
    const account = await openAccount(services, {
      unit: '县应急管理局',
      name: '应急快手',
      platform: 'kuaishou',
      leader: '王建华',
      admin: '刘洋',
    });
    const form = { ...emptyRegistrationForm, accountName: '应急快手', text: '防汛沙袋在哪里领取？', kindIndex: 0 };

    await bindOnPhone('刘洋', 'openid-liuyang-registration');
    const asOfficer = toInquiryRegistration(form, null, Date.parse('2026-11-26T01:00:00Z'));
    if (!('body' in asOfficer)) throw new Error(asOfficer.problem);
    const registered = await api.registerInquiry(asOfficer.body);
    expect(toInquiryDetailView(registered)).toMatchObject({
      accountName: '应急快手',
      unitName: '县应急管理局',
      sourceText: '手工登记',
      actionable: true,
    });

    // 蒋明 is an officer of the county government's office: the bureau's account is not theirs.
    await bindOnPhone('蒋明', 'openid-jiangming-registration');
    const refused = await api
      .registerInquiry({ accountId: String(account._id), text: '防汛沙袋在哪里领取？' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'INQUIRY_NOT_YOURS' });
    expect((refused as ApiError).message).toBe('不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内');
    const unnamed = await api
      .registerInquiry({ accountName: '应急快手', text: '防汛沙袋在哪里领取？' })
      .catch((error: unknown) => error);
    expect(unnamed).toMatchObject({ status: 404, code: 'ACCOUNT_NOT_FOUND' });

    await bindOnPhone('李静', 'openid-lijing-transfer');
    const options = toTransferUnitOptions((await api.units()).items, registered.unitId);
    const education = options.find((option) => option.text.trim() === '县教育局');
    const transferred = await api.transferInquiry(registered.id, { unitId: education?.id ?? '' });
    expect(toInquiryDetailView(transferred).unitName).toBe('县教育局');
    expect(transferred.timeline.map((entry) => entry.action)).toEqual(['inquiry.received', 'inquiry.transferred']);
  });

  test('when the access token has expired, then the wrapper refreshes it and the request succeeds', async () => {
    const before = session.read();
    clock.advance(20 * 60 * 1000);
    requested.length = 0;

    await api.dashboard();

    expect(requested).toEqual(['GET /api/v1/dashboard', 'POST /api/v1/auth/refresh', 'GET /api/v1/dashboard']);
    expect(session.read()?.refreshToken).not.toBe(before?.refreshToken);
    expect(reLaunch).not.toHaveBeenCalled();
  });

  test('when an officer signs in, then they see only their own drafts and the admin routes answer 404 in Chinese', async () => {
    await bindOnPhone('刘洋', 'openid-liuyang');
    expect((await api.drafts({ limit: 20 })).items.map((item) => item.code)).toEqual([draftCode]);
    const refused = await api.verifyAudit().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 404 });
    expect((refused as ApiError).message).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('when the admin logs out, then the refresh token no longer works', async () => {
    await bindOnPhone('李静', 'openid-lijing-2');
    const refreshToken = session.read()?.refreshToken ?? '';
    await api.logout(refreshToken);
    session.clear();
    storage.set('shenfa.session', { accessToken: 'expired', refreshToken, profile: {} });
    await expect(api.dashboard()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/login/login' });
  });
});
