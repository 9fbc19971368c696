import { parseChatCommand } from '../../../bot/command-parser';
import { asksQuestion, readDecision } from '../../../bot/decision-grammar';

/** The paths a decision can come by; each turns a reply into the message the bot receives. */
const request = '【待审核】#K7Q2 《通知》 第1/2步\n第3版（您上次看到第2版）';
const paths: [string, (reply: string) => string][] = [
  ['plain', (reply) => reply],
  ['quoted request', (reply) => `「审发：${request}」\n- - - - - - - - - - - - - - -\n${reply}`],
  ['@-mention in a group', (reply) => `@审发\u2005${reply}`],
  ['@-mention at the end', (reply) => `${reply} @审发`],
  ['quoted request in a group', (reply) => `「审发：${request}」\n- - - - - - - - - - - - - - -\n@审发\u2005${reply}`],
];

/** Replies that ask: on every path, never a decision. */
const questions = [
  '同意？',
  '同意?',
  '同意吗',
  '同意吗？',
  '同意么',
  '同意嘛',
  '同意呢',
  '同意吧',
  '同意否',
  '同意不',
  '同意不？',
  '同意没有',
  '通过了吗',
  '批准？？',
  '同意 ?',
  '同意？！',
  '同意⁉',
  '同意❓',
  '同意🤔',
  '同意︖',
  '同意 K7Q2？',
  '同意 K7Q2 吗',
  '同意K7Q2吗？',
  '同意 #K7Q2 可以发吗',
  '同意 K7Q2 标题要不要改',
  '同意 K7Q2 数字对不对',
  '同意 K7Q2 写得好。发了吗',
  '同意\nK7Q2，吗？',
  '同意\nK7Q2\n是不是还要加图',
  '同意\n\n吗',
  'K7Q2 同意？',
  'K7Q2 同意吗',
  '#K7Q2 通过吗？',
  'K7Q2\n同意\n吗？',
  '不同意？',
  '不同意吗',
  '退回？',
  '驳回？',
  '驳回吗',
  '驳回吗？',
  '驳回么',
  '不同意吗？',
  '驳回不驳回',
  '驳回 K7Q2？',
  '驳回 K7Q2 吗',
  '驳回 K7Q2 吧？',
  '驳回 K7Q2 对吗？',
  '驳回 K7Q2 这样行不行',
  '不同意 K7Q2 好不好',
  '驳回吗 K7Q2 数据不对',
  '驳回？K7Q2 数据不对',
  'K7Q2 驳回？',
  'K7Q2 驳回？数据不对',
  'K7Q2 退回吗',
  '同意 能否今天发',
  '同意 可否加一段',
  '同意 😊 吗',
  '同意。呢',
  '同意 K7Q2 这样行不行',
  // Invisible characters pasted in (direction marks, word joiners, soft hyphens) do not hide a question.
  '退回 \u200e 可以吗',
  '驳回 K7Q2 \u200f\u2060可以吗',
  '同意\u00ad吗',
  '驳回\u202a？',
  'K7Q2 不同意 吗\u202e吗？',
  '驳回 K7Q2 吗吗',
  '驳回 K7Q2 对吗对吗？',
  '驳回 K7Q2 "\u{10ffff}?',
  '不同意 K7Q2 😊？',
  '不同意\n4YD9 😀\u3000\ufdd0\n吗？',
  '驳回 K7Q2 \ufdd0吗',
];

describe('the decision grammar: a question is never a decision', () => {
  describe.each(paths)('on the %s path', (_path, via) => {
    test.each(questions)('when the reply is %p, then it is not a decision and is read as a question', (reply) => {
      expect(parseChatCommand(via(reply))).toEqual({ kind: 'decision-unclear', question: true });
    });
  });
});

/** Decisions: [reply, what the plain path reads, what the quoted path reads]. */
const decisions: [string, Record<string, unknown>][] = [
  ['同意', { decision: 'approve', code: null, comment: '' }],
  ['同意！', { decision: 'approve', code: null, comment: '' }],
  ['同意。', { decision: 'approve', code: null, comment: '' }],
  ['批准…', { decision: 'approve', code: null, comment: '' }],
  ['同意👍', { decision: 'approve', code: null, comment: '' }],
  ['  通过 ', { decision: 'approve', code: null, comment: '' }],
  ['同意 K7Q2', { decision: 'approve', code: 'K7Q2', comment: '' }],
  ['同意#k7q2 写得好', { decision: 'approve', code: 'K7Q2', comment: '写得好' }],
  ['同意：＃Ｋ７Ｑ２，很好', { decision: 'approve', code: 'K7Q2', comment: '很好' }],
  ['同意\nK7Q2\n请核实数据是否准确后发布', { decision: 'approve', code: 'K7Q2', comment: '请核实数据是否准确后发布' }],
  ['同意 K7Q2 参考 https://example.com/a?b=1', { decision: 'approve', code: 'K7Q2' }],
  ['K7Q2 同意', { decision: 'approve', code: 'K7Q2', comment: '' }],
  ['#K7Q2 同意，写得好', { decision: 'approve', code: 'K7Q2', comment: '写得好' }],
  ['K7Q2\n通过', { decision: 'approve', code: 'K7Q2', comment: '' }],
  ['驳回 K7Q2 数据需核实', { decision: 'reject', code: 'K7Q2', comment: '数据需核实' }],
  ['不同意 K7Q2 标题有误', { decision: 'reject', code: 'K7Q2', comment: '标题有误' }],
  ['退回K7Q2，重写', { decision: 'reject', code: 'K7Q2', comment: '重写' }],
  ['K7Q2 驳回 金额不对', { decision: 'reject', code: 'K7Q2', comment: '金额不对' }],
  ['驳回\nK7Q2\n第二段删去。\n标题改短', { decision: 'reject', code: 'K7Q2', comment: '第二段删去。\n标题改短' }],
];

/** Rejections whose reason asks the officer something: on every path, a rejection with that reason. */
const rejectionsAsking: [string, string][] = [
  ['驳回 K7Q2 数据来源是否核实？', '数据来源是否核实？'],
  ['驳回 K7Q2 数据对吗？', '数据对吗？'],
  ['驳回 K7Q2 为什么用这张图', '为什么用这张图'],
  ['不同意 K7Q2 标题能否再短些?', '标题能否再短些?'],
  ['退回 #K7Q2：第二段的数据从哪来？？', '第二段的数据从哪来？？'],
  ['K7Q2 驳回 金额是不是少了一个零？', '金额是不是少了一个零？'],
  ['驳回\nK7Q2\n图片有授权吗？', '图片有授权吗？'],
  ['驳回 K7Q2 数据对吗', '数据对吗'],
];

describe('the decision grammar: a rejection may ask the officer something', () => {
  describe.each(paths)('on the %s path', (_path, via) => {
    test.each(rejectionsAsking)('when the reply is %p, then it rejects with reason %p', (reply, reason) => {
      expect(parseChatCommand(via(reply))).toMatchObject({
        kind: 'decide',
        decision: 'reject',
        code: 'K7Q2',
        comment: reason,
      });
    });
  });

  test('when a quoted request is answered with a rejection whose reason asks, then that draft is rejected', () => {
    expect(parseChatCommand(paths[1][1]('驳回 数据来源是否核实？'))).toEqual({
      kind: 'decide',
      decision: 'reject',
      code: 'K7Q2',
      comment: '数据来源是否核实？',
      quotedVersion: 3,
      quotedStep: 1,
    });
  });

  test('when a rejection with a question for a reason names no draft, then it is still a question', () => {
    expect(parseChatCommand('驳回 数据来源是否核实？')).toEqual({ kind: 'decision-unclear', question: true });
  });

  test('when an approval names its draft and its comment asks, then it is still a question', () => {
    expect(parseChatCommand('同意 K7Q2 数据来源是否核实？')).toEqual({ kind: 'decision-unclear', question: true });
  });
});

describe('the decision grammar: decisions', () => {
  test.each(decisions)('when the plain message is %p, then it is that decision', (reply, expected) => {
    expect(parseChatCommand(reply)).toMatchObject({
      kind: 'decide',
      quotedVersion: null,
      quotedStep: null,
      ...expected,
    });
  });

  test.each(decisions)(
    'when %p is sent @-mentioning the bot in a group, then it is the same decision',
    (reply, expected) => {
      expect(parseChatCommand(`@审发\u2005${reply}`)).toMatchObject({ kind: 'decide', ...expected });
      expect(parseChatCommand(`${reply} @审发`)).toMatchObject({ kind: 'decide', ...expected });
    },
  );

  test.each([
    ['同意', { decision: 'approve', comment: '' }],
    ['同意！', { decision: 'approve', comment: '' }],
    ['同意，写得好', { decision: 'approve', comment: '写得好' }],
    ['同意 K7Q2 写得好', { decision: 'approve', comment: '写得好' }],
    ['K7Q2 同意', { decision: 'approve', comment: '' }],
    ['驳回 数字不对', { decision: 'reject', comment: '数字不对' }],
    ['驳回数字不对', { decision: 'reject', comment: '数字不对' }],
    ['@审发\u2005同意', { decision: 'approve', comment: '' }],
  ])('when a quoted request is answered with %p, then that draft and version are decided', (reply, expected) => {
    expect(parseChatCommand(paths[1][1](reply))).toEqual({
      kind: 'decide',
      code: 'K7Q2',
      quotedVersion: 3,
      quotedStep: 1,
      ...expected,
    });
  });
});

describe('the decision grammar: the step a quoted request names (issue 21)', () => {
  const quoting = (quote: string) => parseChatCommand(`「审发：${quote}」\n- - - - - - - - - - - - - - -\n同意`);

  test.each([
    ['a step-1 request', '【待审核】#K7Q2 《通知》 第1/2步\n内容：正文', 1],
    ['a step-2 request of version 3', '【待审核】#K7Q2 《通知》 第2/2步\n第3版（您上次看到第2版）', 2],
    ['a card click', '#K7Q2 第2版 第2步', 2],
    ['a request with full-width digits', '【待审核】#K7Q2 《通知》 第２/２步', 2],
  ])('when %s is quoted, then the reply is bound to that step', (_case, quote, step) => {
    expect(quoting(quote)).toMatchObject({ kind: 'decide', code: 'K7Q2', quotedStep: step });
  });

  test.each([
    ['a request of a one-step route', '【待审核】#K7Q2 《通知》\n内容：正文'],
    ['a card sent before cards named the step', '#K7Q2 第1版'],
    ['a request whose body mentions a step', '【待审核】#K7Q2 《通知》\n内容：第3/4步完成后公布'],
    ['a request whose title ends in a step', '【待审核】#K7Q2 《改革第3步》'],
    ['a decision echo with a comment', '已记录：孙丽 同意 #K7Q2 《通知》 第1/2步，意见：按第2步办'],
    ['a reminder', '【审核提醒】#K7Q2 《通知》（县应急管理局，投稿人刘洋）已等待您审核 4 个工作小时。'],
  ])('when %s is quoted, then the reply names no step', (_case, quote) => {
    expect(quoting(quote)).toMatchObject({ kind: 'decide', code: 'K7Q2', quotedStep: null });
  });
});

describe('the decision grammar: the whole-message rule', () => {
  test.each([
    '我同意你的看法',
    '同意这个方案，但是要再看看',
    '通过审核的稿件在哪里看',
    '同意同意',
    '领导说同意 K7Q2',
    'K7Q2 我同意',
  ])('when %p only contains a decision word, then it is never an action', (text) => {
    expect(parseChatCommand(text)).toEqual({ kind: 'decision-unclear', question: false });
  });

  test('when a quoted request is answered with a different code, then nothing is decided', () => {
    expect(parseChatCommand(paths[1][1]('同意 AB23'))).toEqual({ kind: 'decision-unclear', question: false });
  });

  test('when a quoted request is answered with something else, then that is read as its own command', () => {
    expect(parseChatCommand(paths[1][1]('查看 K7Q2'))).toEqual({ kind: 'view', code: 'K7Q2' });
    expect(parseChatCommand(paths[1][1]('这篇能同意吗'))).toEqual({ kind: 'decision-unclear', question: true });
  });

  test.each([
    ['驳回', '驳回需写明编号和理由'],
    ['驳回 K7Q2', '驳回 K7Q2 理由'],
    ['K7Q2 退回', '驳回 K7Q2 理由'],
    [paths[1][1]('驳回'), '驳回 K7Q2 理由'],
  ])('when a rejection %p has no reason, then the sender is told to give one', (text, usage) => {
    expect(parseChatCommand(text)).toEqual({ kind: 'malformed', message: expect.stringContaining(usage) });
  });

  test('when other commands carry decision words, then they stay those commands', () => {
    expect(parseChatCommand('投稿 同意书范本\n正文')).toMatchObject({ kind: 'submit', title: '同意书范本' });
    expect(parseChatCommand('撤销 K7Q2 同意得太早')).toMatchObject({ kind: 'revoke', reason: '同意得太早' });
  });
});

describe('what asks', () => {
  test.each([
    ['同意？', true],
    ['可以了吧', true],
    ['这篇是不是要改', true],
    ['同意', false],
    ['请核实数据是否准确', false],
    ['见 https://example.com/?q=1', false],
    ['同意。很好！', false],
  ])('when the text is %p, then asking is %p', (text, asks) => {
    expect(asksQuestion(text)).toBe(asks);
  });

  test('when a message does not start as a decision, then the grammar leaves it to other commands', () => {
    expect(readDecision('投稿 标题\n正文')).toBeNull();
    expect(readDecision('你好')).toBeNull();
  });
});
