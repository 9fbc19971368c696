import { parseChatCommand } from '../../../bot/command-parser';

describe('registry commands in chat', () => {
  test('when a report is sent with its text, then the account name and the text are taken apart', () => {
    expect(parseChatCommand('年审 应急先锋\n2026年度共发布312条')).toEqual({
      kind: 'annual-report',
      accountName: '应急先锋',
      text: '2026年度共发布312条',
    });
    expect(parseChatCommand('@审发 年审：“某县 发布”')).toEqual({
      kind: 'annual-report',
      accountName: '某县 发布',
      text: '',
    });
  });

  test('when 年审 names no account, then it is a report for an account still to be chosen', () => {
    expect(parseChatCommand('年审')).toEqual({ kind: 'annual-report', accountName: '', text: '' });
  });

  test('when an admin decides, then 年审通过 is a pass and 年审不通过 needs a reason', () => {
    expect(parseChatCommand('年审通过 应急先锋')).toEqual({
      kind: 'annual-decision',
      accountName: '应急先锋',
      passed: true,
      reason: '',
    });
    expect(parseChatCommand('年审不通过 应急先锋 缺少留言办理情况')).toMatchObject({
      passed: false,
      reason: '缺少留言办理情况',
    });
    expect(parseChatCommand('年审不通过 应急先锋')).toEqual({
      kind: 'malformed',
      message: '格式：年审不通过 应急先锋 理由（不通过须写明理由）',
    });
  });

  test('when closure steps are written, then each is read with its note and link; 批准关停 is not a draft approval', () => {
    expect(parseChatCommand('批准关停 应急微博')).toEqual({
      kind: 'closure',
      step: 'approved',
      accountName: '应急微博',
      note: '',
      url: '',
    });
    expect(parseChatCommand('停更公告 应急微博 https://weibo.com/n1')).toMatchObject({
      step: 'stop-notice-published',
      url: 'https://weibo.com/n1',
    });
    expect(parseChatCommand('申请关停 应急微博')).toMatchObject({ kind: 'malformed' });
    expect(parseChatCommand('停更公告 应急微博')).toMatchObject({ kind: 'malformed' });
  });

  test('when a closure request is withdrawn, then 撤回关停 is read with its note and is not a draft withdrawal', () => {
    expect(parseChatCommand('撤回关停 应急微博 暂不整合')).toEqual({
      kind: 'closure-withdrawal',
      accountName: '应急微博',
      note: '暂不整合',
    });
    expect(parseChatCommand('撤回关停')).toEqual({
      kind: 'malformed',
      message: '格式：撤回关停 账号名 [说明]（批准关停前可撤回）',
    });
    expect(parseChatCommand('撤回 K7Q2')).toEqual({ kind: 'withdraw', code: 'K7Q2' });
  });

  test('when a draft names its account with @, then the name is taken off the title', () => {
    expect(parseChatCommand('投稿 @应急微博 防汛提示\n请注意防范强降雨。')).toMatchObject({
      kind: 'submit',
      accountName: '应急微博',
      title: '防汛提示',
      body: '请注意防范强降雨。',
    });
    expect(parseChatCommand('投稿 防汛提示\n正文')).toMatchObject({ kind: 'submit', accountName: null });
  });
});
