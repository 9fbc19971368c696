import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { FileBox } from 'file-box';
import { DraftModel } from '../../../src/drafts/draft-model';

let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

describe('content checks in chat (R7)', () => {
  test('when a draft holds personal data, then the approver sees masked findings and 脱敏 makes a clean new version', async () => {
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 表彰名单\n获奖人张三，身份证号110101199003074514，电话13812345678。',
      '已收到投稿',
    );
    const code = codeIn(receipt);
    const request = await chat.waitFor('孙丽', `【待审核】#${code}`);
    expect(request).toContain('个人信息');
    expect(request).not.toContain('110101199003074514');
    expect(request).not.toContain('13812345678');

    await chat.sayAndWait('孙丽', `驳回 ${code} 请先脱敏`, '已记录');
    const before = chat.messagesOf('孙丽').length;
    await chat.sayAndWait('刘洋', `脱敏 ${code}`, '已提交第2版');
    const again = await chat.waitFor('孙丽', '第2版（您上次看到第1版）', { after: before });
    expect(again).toContain('修改：');
    expect(again).not.toContain('110101199003074514');
    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    const masked = draft?.versions[1];
    expect(masked?.body).not.toContain('110101199003074514');
    expect(masked?.body).toMatch(/1\*+4/);
    expect(masked?.findings.filter((finding) => finding.category === '个人信息')).toEqual([]);
    await chat.sayAndWait('刘洋', `脱敏 ${code}`, '没有需要脱敏');
  });

  test('when a reprint names no source, then it is not submitted; with a source, the approver sees it', async () => {
    await chat.sayAndWait('刘洋', '投稿 转载 冬季防火提示\n正文内容', '稿件未提交');
    const receipt = await chat.sayAndWait(
      '刘洋',
      '投稿 转载 冬季防火提示\n来源：应急管理部网站\n原标题：冬季防火提示\n正文内容',
      '已收到投稿',
    );
    const request = await chat.waitFor('孙丽', `【待审核】#${codeIn(receipt)}`);
    expect(request).toContain('转载：来源 应急管理部网站，原标题《冬季防火提示》');
  });

  test('when an officer sends an image, then it becomes a draft whose approver receives the file, and its hash is bound', async () => {
    // A 1×1 PNG: puppet-mock marks image/png as an image message (a real chat also sends PDFs as files).
    const content = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const before = chat.messagesOf('刘洋').length;
    chat.sendFile('刘洋', FileBox.fromBase64(content.toString('base64'), '冬季防火海报.png'));
    const receipt = await chat.waitFor('刘洋', '已收到投稿 #', { after: before });
    const code = codeIn(receipt);
    const request = await chat.waitFor('孙丽', `【待审核】#${code} 《冬季防火海报》`);
    expect(request).toContain('附件（随后发送）：冬季防火海报.png');
    await chat.waitFor('孙丽', '[文件] 冬季防火海报.png');

    const draft = await DraftModel.findOne({ shortCode: code }).lean();
    const attachment = draft?.versions[0].attachments[0];
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(attachment).toMatchObject({ name: '冬季防火海报.png', size: content.length, sha256 });
    expect(fs.readFileSync(attachment?.storagePath ?? '')).toEqual(content);

    await chat.sayAndWait('孙丽', `同意 ${code}`, '已记录');
    const approved = await DraftModel.findOne({ shortCode: code }).lean();
    expect(approved?.steps[0].decisions[0].contentHash).toBe(approved?.versions[0].contentHash);
  });
});
