/**
 * A 微信公众号 account's connection from the server's command line (`npm run admin -- connection…`),
 * against the fake platform: the secrets come on standard input (never in the arguments), the answer
 * shows none of them, and the API sees what the CLI stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OfficialAccountConnectionModel } from '../../../src/publication/official-account-connection-model';
import { ManualClock } from '../../../src/shared/clock';
import { createLogger } from '../../../src/shared/logger';
import { createServices } from '../../../src/services';
import type { Services } from '../../../src/services';
import { adminCli } from '../../support/admin-cli';
import type { AdminRun } from '../../support/admin-cli';
import { connectTestDatabase, emptyTestDatabase } from '../../support/database';
import { fakePlatformForFile, openEducationAccount } from '../../support/connection-factories';
import { importSampleOrganization, personId } from '../../support/people-factories';

const masterSecret = 'connection-cli-test-master-secret-0123456789';
const appId = 'wxabcdef0123456789';
const secrets = {
  appSecret: 'c3d4e5f60718293a4b5c6d7e8f901a2b',
  token: 'CliPushToken',
  encodingAesKey: 'U2VjcmV0c0NvbWVPblN0YW5kYXJkSW5wdXQ0567890a',
};
const secretLines = `AppSecret=${secrets.appSecret}\nToken=${secrets.token}\nEncodingAESKey=${secrets.encodingAesKey}\n`;
let runAdmin: ReturnType<typeof adminCli>;
let services: Services;
let accountId: string;
const { apiBaseUrl } = fakePlatformForFile(
  { appId, appSecret: secrets.appSecret },
  {
    connect: async () => {
      runAdmin = adminCli({
        databaseName: await connectTestDatabase(),
        jwtSecret: 'connection-cli-test-jwt-secret-0123456789abcdef',
        env: { PUBLICATION_SECRET_KEY: masterSecret },
      });
    },
  },
);

/** `connection-set 教育之窗` with the secrets on standard input, against the fake platform. */
const setConnection = (...more: string[]) =>
  runAdmin.withInput(
    secretLines,
    'connection-set',
    '教育之窗',
    '--app-id',
    appId,
    '--api-base-url',
    apiBaseUrl(),
    ...more,
  );

// Each test starts from the sample organisation with the education bureau's 微信公众号, unconnected.
beforeEach(async () => {
  await emptyTestDatabase();
  services = createServices({
    clock: new ManualClock(new Date()),
    logger: createLogger('silent'),
    connectionSecretKey: () => masterSecret,
  });
  await importSampleOrganization(services.people);
  accountId = await openEducationAccount(services);
  await services.audit.settle();
}, 60_000);

function expectNoSecret(run: AdminRun): void {
  for (const secret of Object.values(secrets)) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
}

describe('the connection commands', () => {
  test('when the operator sets the connection with the secrets on standard input, then it is stored sealed, tested and shown as 已连接 without a secret', async () => {
    const run = await setConnection('--by', '李静');

    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n').slice(0, 5)).toEqual([
      '已保存并测试。账号“教育之窗”的公众号连接：已连接',
      `AppID：${appId}`,
      `接口地址：${apiBaseUrl()}`,
      'AppSecret：已填写（不显示）；Token：已填写（不显示）；EncodingAESKey：已填写（不显示）',
      `服务器地址(URL)：<本系统对外地址>/wechat-official/push/${accountId}`,
    ]);
    expectNoSecret(run);
    const stored = await mongoose.connection.collection('official_account_connections').findOne({});
    for (const secret of Object.values(secrets)) expect(JSON.stringify(stored)).not.toContain(secret);
    // The running system, with the same master secret, opens what the CLI sealed.
    expect(await services.officialAccountConnections.pushSecrets(accountId)).toEqual({
      appId,
      token: secrets.token,
      encodingAesKey: secrets.encodingAesKey,
    });
    const events = await AuditEventModel.find({ 'subject.id': accountId, action: /^account\.connection-/ })
      .sort({ _id: 1 })
      .lean();
    expect(events.map((event) => [event.action, event.actor.via, String(event.actor.personId)])).toEqual([
      ['account.connection-set', 'cli', await personId('李静')],
      ['account.connection-tested', 'cli', await personId('李静')],
    ]);

    const shown = await runAdmin('connection', accountId);
    expect(shown.stdout.split('\n')[0]).toBe('账号“教育之窗”的公众号连接：已连接');
    expect(shown.stdout).toMatch(
      /最近测试（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}）：已连接：公众号接口已接受本服务器的请求/,
    );
    expectNoSecret(shown);
  });

  test('when a line on standard input is not a known secret, or --app-id is missing, then one line says what to do, echoing nothing, and nothing is stored', async () => {
    const badLine = await runAdmin.withInput(
      `AppSecret=${secrets.appSecret}\nPassword=${secrets.token}\n`,
      'connection-set',
      '教育之窗',
      '--app-id',
      appId,
    );
    const noAppId = await runAdmin.withInput(secretLines, 'connection-set', '教育之窗');
    const badSecret = await runAdmin.withInput('AppSecret=short\n', 'connection-set', '教育之窗', '--app-id', appId);

    for (const run of [badLine, noAppId, badSecret]) {
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expectNoSecret(run);
    }
    expect(badLine.stderr).toContain('标准输入第 2 行应为 AppSecret=…、Token=… 或 EncodingAESKey=…');
    expect(noAppId.stderr).toContain('connection-set 需要 --app-id <AppID>');
    expect(badSecret.stderr).toContain('AppSecret 应为 32 位字母和数字');
    expect(badSecret.stderr).not.toContain('short');
    expect(await OfficialAccountConnectionModel.countDocuments()).toBe(0);
  });

  test('when the operator removes the connection, then its secrets are gone and the account shows 未连接', async () => {
    await setConnection();

    const removed = await runAdmin('connection-remove', '教育之窗');
    const shown = await runAdmin('connection', '教育之窗');

    const unset = '账号“教育之窗”的公众号连接：未连接（没有保存的 AppID 和密钥）。\n';
    expect(removed).toEqual({ code: 0, stdout: unset, stderr: '' });
    expect(shown.stdout).toBe(unset);
    expect(await services.officialAccountConnections.pushSecrets(accountId)).toBeNull();
  });

  test('when the operator sets how the account publishes, with a cover image file, then the cover is uploaded to the platform and the approval path shows it', async () => {
    await setConnection();
    const cover = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-cover-')), 'cover.png');
    fs.writeFileSync(cover, Buffer.from('a cover image'));

    const run = await runAdmin(
      'publishing-set',
      '教育之窗',
      '--auto-publish',
      'on',
      '--author',
      '县教育局',
      '--cover',
      cover,
    );

    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n')[0]).toBe('已保存发布设置。账号“教育之窗”的公众号连接：已连接');
    expect(run.stdout).toContain('发布方式：审核通过后自动发布；作者：县教育局；默认封面：已设置');
    expectNoSecret(run);
    const shown = await services.officialAccountConnections.show({ kind: 'operator', personId: null }, accountId);
    expect(shown).toMatchObject({ autoPublish: true, author: '县教育局', defaultCoverMediaId: expect.any(String) });
    expect(shown.defaultCoverMediaId).not.toBe('');

    const off = await runAdmin('publishing-set', '教育之窗', '--auto-publish', 'off');
    expect(off.stdout).toContain('发布方式：审核通过后发送“发布 编号”发布；作者：县教育局；默认封面：已设置');
  });

  test('when publishing is set on an unconnected account, with a wrong value or a missing file, then one line says what to do and nothing changes', async () => {
    const unconnected = await runAdmin('publishing-set', '教育之窗', '--auto-publish', 'on');
    const badValue = await runAdmin('publishing-set', '教育之窗', '--auto-publish', 'yes');
    const noFile = await runAdmin('publishing-set', '教育之窗', '--cover', '/nonexistent/cover.png');
    const nothing = await runAdmin('publishing-set', '教育之窗');

    for (const run of [unconnected, badValue, noFile, nothing]) {
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(unconnected.stderr).toContain('该账号尚未连接公众号，请先用 connection-set 填写 AppID 和密钥');
    expect(badValue.stderr).toContain('--auto-publish 应为 on（审核通过后自动发布）或 off');
    expect(noFile.stderr).toContain('读不到封面图片文件 /nonexistent/cover.png');
    expect(nothing.stderr).toContain('publishing-set 需要');
    expect(await OfficialAccountConnectionModel.countDocuments({ autoPublish: true })).toBe(0);
  });
});
