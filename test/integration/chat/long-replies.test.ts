import fs from 'node:fs';
import { Writable } from 'node:stream';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness, provider } from '../../support/chat-harness';
import { createLogger } from '../../../src/shared/logger';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { utf8Length, wechatMaxMessageBytes, wecomMaxMessageBytes } from '../../../src/outbox/message-length-rules';

const sentence = '本县持续推进基层应急能力建设，各乡镇按要求落实值班值守制度。';
/** A body of `length` characters in paragraphs of ten sentences. */
function longBody(length: number): string {
  const paragraph = sentence.repeat(10);
  const paragraphs = Array.from({ length: Math.ceil(length / (paragraph.length + 1)) }, () => paragraph);
  return paragraphs.join('\n').slice(0, length);
}

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

async function fullTextFileOf(code: string): Promise<string> {
  const message = await OutboxMessageModel.findOne({ 'file.name': new RegExp(`^${code}《`) }).lean();
  expect(message?.file?.name).toMatch(/全文\.txt$/);
  return fs.readFileSync(String(message?.file?.path), 'utf8');
}

describe.each([
  ['WeChat', wechatMaxMessageBytes],
  ['WeCom', wecomMaxMessageBytes],
])('long texts on %s', (_channel, maxBytes) => {
  let chat: ChatHarness;
  beforeAll(async () => {
    await connectTestDatabase();
    chat = await ChatHarness.start({ maxMessageBytes: maxBytes });
    for (const name of ['刘洋', '孙丽']) await chat.bind(name);
  }, 60_000);
  afterAll(async () => {
    await chat.stop();
    await disconnectTestDatabase();
  });

  test('when a 50,000-character draft is submitted and viewed, then requests and 查看 fit the channel and the full text comes as a file', async () => {
    const body = longBody(50_000);
    const receipt = await chat.sayAndWait('刘洋', `投稿 年度应急工作汇编\n${body}`, '已收到投稿', 60_000);
    const code = codeIn(receipt);

    const request = await chat.waitFor('孙丽', `【待审核】#${code}`, { timeoutMs: 30_000 });
    expect(request).toContain('全文共 50000 字');
    await chat.waitFor('孙丽', `[文件] ${code}《年度应急工作汇编》第1版全文.txt`);

    const before = chat.messagesOf('刘洋').length;
    chat.say('刘洋', `查看 ${code}`);
    await chat.waitFor('刘洋', `[文件] ${code}《年度应急工作汇编》第1版全文.txt`, { after: before, timeoutMs: 30_000 });
    const view = chat.messagesOf('刘洋').slice(before);
    expect(view.join('\n')).toContain('全文共 50000 字，较长，已作为文件');
    expect(view.join('\n')).toContain(sentence);

    expect((await fullTextFileOf(code)).replace(/\r\n/g, '\n')).toBe(`\ufeff年度应急工作汇编\n\n${body}\n`);
    for (const text of [...chat.messagesOf('刘洋'), ...chat.messagesOf('孙丽')]) {
      expect(utf8Length(text)).toBeLessThanOrEqual(maxBytes);
    }
  }, 120_000);

  test('when a draft is a little too long for one message, then 查看 answers in numbered parts that keep every word', async () => {
    const body = longBody(2_800);
    const receipt = await chat.sayAndWait('刘洋', `投稿 防汛值守安排\n${body}`, '已收到投稿', 30_000);
    const code = codeIn(receipt);
    const before = chat.messagesOf('刘洋').length;
    chat.say('刘洋', `查看 ${code}`);
    await chat.waitFor('刘洋', '预审', { after: before, timeoutMs: 30_000 });
    await chat.settle();
    const view = chat.messagesOf('刘洋').slice(before);
    for (const text of view) expect(utf8Length(text)).toBeLessThanOrEqual(maxBytes);
    if (utf8Length(body) > maxBytes) {
      expect(view[0]).toMatch(/^（1\/\d+）/);
      const whole = view.map((part) => part.replace(/^（\d+\/\d+）\n/, '')).join('');
      expect(whole.replace(/\s/g, '')).toContain(body.replace(/\s/g, ''));
    } else {
      expect(view[0]).toContain(body);
    }
  }, 60_000);
});

describe('a puppet that knows its channel limit', () => {
  let chat: ChatHarness;
  beforeAll(async () => {
    await connectTestDatabase();
    chat = await ChatHarness.start();
    await chat.bind('刘洋');
  }, 60_000);
  afterAll(async () => {
    await chat.stop();
    await disconnectTestDatabase();
  });

  test('when the puppet exposes a smaller limit than configured, then delivery sends the text in parts within it', async () => {
    Object.assign(chat.bot.puppet, { maxMessageBytes: 600 });
    const person = await chat.services.people.findPersonByChatIdentity(provider, chat.contact('刘洋').id);
    const text = longBody(1_000);
    const before = chat.messagesOf('刘洋').length;
    await chat.services.outbox.enqueue([{ idempotencyKey: 'puppet-limit', recipient: { personId: person?.id }, text }]);
    await chat.waitFor('刘洋', /^（1\/\d+）/, { after: before });
    await chat.settle();
    const parts = chat.messagesOf('刘洋').slice(before);
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) expect(utf8Length(part)).toBeLessThanOrEqual(600);
    expect(
      parts
        .map((part) => part.replace(/^（\d+\/\d+）\n/, ''))
        .join('')
        .replace(/\s/g, ''),
    ).toBe(text.replace(/\s/g, ''));
  });
});

describe('unexpected failures', () => {
  let chat: ChatHarness;
  const logLines: string[] = [];
  beforeAll(async () => {
    await connectTestDatabase();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    chat = await ChatHarness.start({ logger: createLogger('error', destination) });
    await chat.bind('刘洋');
  }, 60_000);
  afterAll(async () => {
    await chat.stop();
    await disconnectTestDatabase();
  });

  test('when handling a message fails unexpectedly, then the person gets a short apology with the reference id the log has', async () => {
    jest
      .spyOn(chat.services.drafts, 'listMine')
      .mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'title')"));
    const reply = await chat.sayAndWait('刘洋', '我的稿件', '抱歉');
    const reference = /错误编号 ([0-9A-F]{8})/.exec(reply)?.[1];
    expect(reference).toBeDefined();
    expect(reply).not.toMatch(/undefined|TypeError|title/);
    const logged = logLines.map((line) => JSON.parse(line) as { reference?: string; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ reference, msg: 'chat command failed' }));
  });

  test('when the reply itself cannot be queued, then the apology still goes out', async () => {
    const enqueue = chat.services.outbox.enqueue.bind(chat.services.outbox);
    jest
      .spyOn(chat.services.outbox, 'enqueue')
      .mockImplementationOnce(() => Promise.reject(new RangeError('Invalid string length')))
      .mockImplementation(enqueue);
    const reply = await chat.sayAndWait('刘洋', '帮助', '抱歉');
    expect(reply).toMatch(/错误编号 [0-9A-F]{8}/);
  });
});
