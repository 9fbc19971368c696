/**
 * `npm run demo` as a newcomer runs it: `scripts/demo.ts` in a child process, on the test database
 * server (the demo makes its own database there and drops it when done).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { testDatabaseUri } from '../support/database';

const root = path.resolve(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    cwd: root,
    env: { ...process.env, MONGODB_URI: testDatabaseUri(), LOG_LEVEL: 'silent' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run demo', () => {
  test('when the demo runs, then it prints the whole review flow in chat, the audit trail verifies and it exits 0', async () => {
    const run = await runDemo();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const transcript = run.stdout;
    const code = /已收到投稿 #([A-Z2-9]{4})/.exec(transcript)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z2-9]{4}$/);

    // Both directions, stamped: what people send and what the bot sends.
    expect(transcript).toMatch(/^\[\d\d:\d\d:\d\d\] 刘洋 → 审发：投稿 关于开展防汛应急演练的通知$/m);
    expect(transcript).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] 审发 → 孙丽：【待审核】#${code} `, 'm'));
    // The pre-check warns about the ID number; the request shows it masked.
    expect(transcript).toMatch(/预审发现：\n\s+· \[注意\] .*1\*{16}4/);
    expect(transcript).toMatch(/内容：.*现场联系人张建国，身份证号1\*{16}4。/);
    expect(transcript).toContain(`审发 → 刘洋：已记录：孙丽（办公室主任） 驳回 #${code}`);
    expect(transcript).toContain('理由：含联系人身份证号，属个人信息，请删除后重新提交');
    // The revised request shows what changed.
    expect(transcript).toContain('第2版（您上次看到第1版）');
    expect(transcript).toMatch(/修改：[^\n]*(\n\s+[^\n]*)?→【联系电话请向县应急管理局办公室索取】/);
    expect(transcript).toContain(`审发 → 孙丽：已记录：孙丽（办公室主任） 同意 #${code}`);
    expect(transcript).toContain(`审发 → 赵海涛：【待审核】#${code}`);
    expect(transcript).toContain(`审发 → 赵海涛：已记录：赵海涛（副局长） 同意 #${code}`);
    expect(transcript).toContain('稿件已审核通过，可以发布');
    expect(transcript).toContain(`审发 → 李静：【抄送】#${code}`);
    // The receipt names the reviewer; a change after approval tells cc in one line and shows whole words.
    expect(transcript).toContain(
      `审发 → 刘洋：已收到投稿 #${code} 《关于开展防汛应急演练的通知》，已送 孙丽（办公室主任）审核，第1/2步。`,
    );
    expect(transcript).toContain(`审发 → 李静：【抄送】#${code} 《关于开展防汛应急演练的通知》 已修改为第3版`);
    expect(transcript).toContain('第3版（您上次看到第2版）');
    expect(transcript).toContain('6月【18】→【28】');
    expect(transcript).toContain(`审发 → 刘洋：已登记发布 #${code}`);
    expect(transcript).toContain(`审发 → 王建华：【抄送】#${code} 《关于开展防汛应急演练的通知》 已发布：https://`);
    expect(transcript.trimEnd()).toMatch(/\naudit:verify ok, \d+ events, head \d+ [0-9a-f]{64}$/);

    // It cleans up after itself: no demo database is left on the server.
    const connection = await mongoose.createConnection(testDatabaseUri()).asPromise();
    try {
      const { databases } = await connection.db!.admin().listDatabases();
      expect(databases.map((database) => database.name).filter((name) => name.startsWith('shenfa_demo'))).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  test('when the demo runs with --platform wechat-official, then an approved draft is published, verified against its approval, and a back-office post is caught by the sweep', async () => {
    const run = await runDemo(['--platform', 'wechat-official']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const transcript = run.stdout;
    const code = /已收到投稿 #([A-Z2-9]{4})/.exec(transcript)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z2-9]{4}$/);

    expect(transcript).toContain('公众号：本地模拟的公众号平台');
    // The admin connects the account: the test asks the platform for a token; no secret is printed.
    expect(transcript).toMatch(/服务器地址\(URL\)：http:\/\/127\.0\.0\.1:\d+\/wechat-official\/push\/[0-9a-f]{24}/);
    expect(transcript).toContain('连接测试：已连接');
    for (const secret of [
      'c0ffee12c0ffee34c0ffee56c0ffee78',
      'ShenfaDemoPushToken',
      'U2hlbmZhRGVtb0VuY29kaW5nQUVTS2V5Rm9yUHVzaGU',
    ]) {
      expect(transcript).not.toContain(secret);
    }
    // 发布 sends the approved version; the platform's signed push is checked and answered; the article is verified.
    expect(transcript).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] 刘洋 → 审发：发布 ${code}$`, 'm'));
    expect(transcript).toContain(`审发 → 刘洋：已提交发布：#${code} 《防汛应急演练通知》 → 公众号“应急先锋”。`);
    expect(transcript).toMatch(
      /公众号平台 → 审发：\[推送 PUBLISHJOBFINISH，已验签解密，应答 success\] publish_id \d+，发布状态 0（成功），文章 https:\/\/mp\.weixin\.qq\.com\/s\//,
    );
    expect(transcript).toMatch(
      new RegExp(
        `审发 → 刘洋：【发布核验】#${code} 《防汛应急演练通知》 已在公众号“应急先锋”发布，经核验与审核通过的第1版一致：https://`,
      ),
    );
    expect(transcript).toContain(`审发 → 赵海涛：【发布核验】#${code}`);
    expect(transcript).toContain('发布核验：与审核通过的第1版一致');
    // A post straight from the back office is caught by the sweep and told to the leader in charge and the admin.
    expect(transcript).toContain('公众号后台 → 公众号“应急先锋”：发表《关于暂停青山镇防汛演练的紧急通知》');
    expect(transcript).toContain(
      '核查完成：查看平台文章 2 篇，新发现 2 篇：核验一致 1 篇，与审核版本不一致 0 篇，未经审核发布 1 篇。',
    );
    for (const name of ['王建华', '李静']) {
      expect(transcript).toMatch(
        new RegExp(
          `审发 → ${name}：【未经审核发布】公众号“应急先锋”于 .+ 发布了《关于暂停青山镇防汛演练的紧急通知》，系统中没有与之相符的审核记录。`,
        ),
      );
    }
    expect(transcript.trimEnd()).toMatch(/\naudit:verify ok, \d+ events, head \d+ [0-9a-f]{64}$/);
  });

  test('when the demo runs with --channel wecom, then the second leader approves by clicking the card and the card shows it', async () => {
    const run = await runDemo(['--channel', 'wecom']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('聊天：企业微信自建应用');
    expect(run.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] 赵海涛 → 审发：\[点击卡片按钮\] 同意$/m);
    expect(run.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] 审发 → 赵海涛：\[卡片已更新\] 赵海涛（副局长） 已同意$/m);
    expect(run.stdout).toMatch(/audit:verify ok/);
  });
});
