import { openCallback, sealCallback } from '../../../../bot/wecom/wecom-callback-crypto';
import { parseCallbackXml, buildCallbackXml } from '../../../../bot/wecom/wecom-xml';
import { MemberSendCounter } from '../../../../bot/wecom/wecom-send-limits';
import { SendDeferredError } from '../../../../src/shared/errors';
import { splitUtf8Text } from '../../../../bot/wecom/wecom-text';
import {
  buildApprovalCard,
  cardSettlementOf,
  clickAsQuotedReply,
  parseCardButtonKey,
  reviewRequestOf,
} from '../../../../bot/wecom/wecom-card-rules';
import { parseChatCommand } from '../../../../bot/command-parser';

/** WeCom's official sample (the URL check of the WXBizMsgCrypt samples, doc 91144 / 90930). */
const official = {
  secrets: {
    token: 'QDG6eK',
    encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    corpId: 'wx5823bf96d3bd56c7',
  },
  query: { msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780' },
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  plaintext: '1616140317555161061',
};

describe('the callback crypto', () => {
  test('when the official sample vector is opened, then the signature checks and the echostr decrypts', () => {
    expect(openCallback(official.secrets, official.query, official.echostr, null)).toEqual({
      ok: true,
      plaintext: official.plaintext,
    });
  });

  test('when the sample arrives at its real time plus 6 minutes, then it is refused as a replay', () => {
    const later = new Date((Number(official.query.timestamp) + 360) * 1000);
    expect(openCallback(official.secrets, official.query, official.echostr, later)).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    const within = new Date((Number(official.query.timestamp) + 60) * 1000);
    expect(openCallback(official.secrets, official.query, official.echostr, within).ok).toBe(true);
  });

  test('when one character of the signature or the ciphertext differs, then it is refused', () => {
    const forged = { ...official.query, msg_signature: official.query.msg_signature.replace(/^5/, '6') };
    expect(openCallback(official.secrets, forged, official.echostr, null)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(openCallback(official.secrets, official.query, `Q${official.echostr.slice(1)}`, null)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('when a message sealed for another corp is opened, then it is refused', () => {
    const sealed = sealCallback({ ...official.secrets, corpId: 'wwother' }, '<xml></xml>', '1409659589', '1');
    expect(openCallback(official.secrets, sealed.query, sealed.ciphertext, null)).toEqual({
      ok: false,
      reason: 'wrong-corp',
    });
  });

  test('when a message is sealed and opened, then the XML comes back field by field', () => {
    const xml = buildCallbackXml({ FromUserName: 'zhangsan', Content: '同意 <K7Q2> & ]]> 好', CreateTime: 1 });
    const sealed = sealCallback(official.secrets, xml, '1409659589', '7');
    const opened = openCallback(official.secrets, sealed.query, sealed.ciphertext, null);
    expect(opened.ok && parseCallbackXml(opened.plaintext)).toEqual({
      FromUserName: 'zhangsan',
      Content: '同意 <K7Q2> & ]]> 好',
      CreateTime: '1',
    });
  });
  test('when a member’s text spells out XML tags, then it stays their text and names no other sender', () => {
    // WeCom wraps a member's text in CDATA; tags inside it are text, not fields of the message.
    const content = 'x</Content><FromUserName>lisi</FromUserName><MsgType>event</MsgType><Content>同意 K7Q2';
    const xml = buildCallbackXml({ FromUserName: 'zhangsan', MsgType: 'text', Content: content, MsgId: '1' });
    expect(parseCallbackXml(xml)).toEqual({ FromUserName: 'zhangsan', MsgType: 'text', Content: content, MsgId: '1' });
  });
});

describe('the per-member limits', () => {
  test('when a member has had 30 messages in a minute, then the next is deferred until the first leaves', () => {
    const counter = new MemberSendCounter({ perMinute: 30, perHour: 1000 });
    const start = Date.parse('2026-11-27T08:00:00Z');
    for (let index = 0; index < 30; index += 1) counter.take('lisi', new Date(start + index * 1000));
    let deferred: unknown;
    try {
      counter.take('lisi', new Date(start + 30_000));
    } catch (error) {
      deferred = error;
    }
    expect(deferred).toBeInstanceOf(SendDeferredError);
    expect((deferred as SendDeferredError).retryAt.toISOString()).toBe('2026-11-27T08:01:00.000Z');
    expect(() => counter.take('wangwu', new Date(start + 30_000))).not.toThrow();
    expect(() => counter.take('lisi', new Date(start + 60_001))).not.toThrow();
  });
});

describe('texts and cards', () => {
  test('when a text exceeds 2048 bytes, then it is split on characters into pieces that fit', () => {
    const pieces = splitUtf8Text(`${'审'.repeat(700)}\n${'发'.repeat(700)}`, 2048);
    expect(pieces.every((piece) => Buffer.byteLength(piece, 'utf8') <= 2048)).toBe(true);
    expect(pieces.join('')).toBe(`${'审'.repeat(700)}\n${'发'.repeat(700)}`);
    expect(splitUtf8Text('短', 2048)).toEqual(['短']);
  });

  test('when a click on a version 2, step 2 card is read by the parser, then it decides that draft, version and step', () => {
    const request = reviewRequestOf('【待审核】#K7Q2 《标题》 第2/2步\n第2版（您上次看到第1版）\n内容：正文');
    expect(request).toMatchObject({ code: 'K7Q2', version: 2, step: 2 });
    const card = buildApprovalCard(request!, 'task-1', null) as { button_list: { key: string }[] };
    expect(card.button_list.map((button) => button.key)).toEqual(['approve:K7Q2:2:2', 'reject:K7Q2:2:2']);
    const click = parseCardButtonKey('approve:K7Q2:2:2');
    expect(click).toEqual({ decision: 'approve', code: 'K7Q2', version: 2, step: 2 });
    expect(parseChatCommand(clickAsQuotedReply(click!))).toEqual({
      kind: 'decide',
      decision: 'approve',
      code: 'K7Q2',
      comment: '',
      quotedVersion: 2,
      quotedStep: 2,
    });
    expect(parseChatCommand(clickAsQuotedReply({ ...click!, decision: 'reject' }, '数据需核实'))).toMatchObject({
      decision: 'reject',
      comment: '数据需核实',
      quotedVersion: 2,
      quotedStep: 2,
    });
    expect(parseCardButtonKey('approve:K7Q2:2;drop')).toBeNull();
    expect(parseCardButtonKey('approve:K7Q2:2:2;drop')).toBeNull();
  });

  test('when a request has one step, then its card is for step 1; a card sent before steps were named names none', () => {
    expect(reviewRequestOf('【待审核】#K7Q2 《标题》\n内容：正文')).toMatchObject({ step: 1 });
    const legacy = parseCardButtonKey('approve:K7Q2:1');
    expect(legacy).toEqual({ decision: 'approve', code: 'K7Q2', version: 1, step: null });
    expect(parseChatCommand(clickAsQuotedReply(legacy!))).toMatchObject({ quotedVersion: 1, quotedStep: null });
  });

  test('when a heading is longer than a card title, then the title is shortened and keeps the step', () => {
    const heading = `【待审核】#K7Q2 《${'关于'.repeat(20)}的通知》 第2/3步`;
    const card = buildApprovalCard(reviewRequestOf(`${heading}\n内容：正文`)!, 'task-1', null) as {
      main_title: { title: string };
    };
    expect(card.main_title.title).toHaveLength(36);
    expect(card.main_title.title).toMatch(/^【待审核】#K7Q2 《关于关于.*… 第2\/3步$/);
  });

  test('when the bot refuses a step already handled or no longer open, then that step’s card is settled', () => {
    expect(cardSettlementOf('稿件 #K7Q2 第1步已处理，本次操作未生效。', null)).toEqual({
      code: 'K7Q2',
      step: 1,
      label: '已处理',
    });
    expect(cardSettlementOf('稿件 #K7Q2 已回到第1步审核，第2步的审核请求已失效，本次操作未生效。', null)).toEqual({
      code: 'K7Q2',
      step: 2,
      label: '已失效',
    });
    expect(cardSettlementOf('您点击的卡片或引用的消息未注明审核步骤，本次操作未生效。', 'K7Q2')).toBeNull();
  });
});
