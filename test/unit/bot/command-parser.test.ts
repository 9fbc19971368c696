import { parseChatCommand } from '../../../bot/command-parser';

const quoted = (quote: string, reply: string) => `「审发：${quote}」\n- - - - - - - - - - - - - - -\n${reply}`;

describe('chat commands', () => {
  test.each([
    ['同意', { kind: 'decide', decision: 'approve', code: null, comment: '' }],
    ['同意！', { kind: 'decide', decision: 'approve', code: null }],
    ['  批准。 ', { kind: 'decide', decision: 'approve', code: null }],
    ['同意 K7Q2', { kind: 'decide', decision: 'approve', code: 'K7Q2', comment: '' }],
    ['同意#k7q2 写得好', { kind: 'decide', decision: 'approve', code: 'K7Q2', comment: '写得好' }],
    ['同意：＃Ｋ７Ｑ２，很好', { kind: 'decide', code: 'K7Q2', comment: '很好' }],
    ['通过 K7Q2', { kind: 'decide', decision: 'approve', code: 'K7Q2' }],
    ['驳回 K7Q2 数据需核实', { kind: 'decide', decision: 'reject', code: 'K7Q2', comment: '数据需核实' }],
    ['不同意 K7Q2 标题有误', { kind: 'decide', decision: 'reject', code: 'K7Q2', comment: '标题有误' }],
    ['退回K7Q2，重写', { kind: 'decide', decision: 'reject', code: 'K7Q2', comment: '重写' }],
    ['@审发\u2005同意 K7Q2', { kind: 'decide', decision: 'approve', code: 'K7Q2' }],
  ])('when the message is %p, then it is a decision', (text, expected) => {
    expect(parseChatCommand(text)).toMatchObject(expected);
  });

  test.each([['我同意你的看法'], ['同意这个方案，但是要再看看'], ['通过审核的稿件在哪里看']])(
    'when %p only contains a decision word, then it is never an action',
    (text) => {
      expect(parseChatCommand(text)).toEqual({ kind: 'decision-unclear', question: false });
    },
  );

  test('when a rejection has no reason, then the user is told to give one', () => {
    expect(parseChatCommand('驳回 K7Q2')).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('理由'),
    });
    expect(parseChatCommand('驳回')).toMatchObject({ kind: 'malformed' });
  });

  test('when a review request is quoted, then the reply decides that draft and version', () => {
    const request = '【待审核】#K7Q2 《通知》 第1/2步\n第3版（您上次看到第2版）';
    expect(parseChatCommand(quoted(request, '同意'))).toEqual({
      kind: 'decide',
      decision: 'approve',
      code: 'K7Q2',
      comment: '',
      quotedVersion: 3,
      quotedStep: 1,
    });
    expect(parseChatCommand(quoted('【待审核】#AB23 《通知》', '驳回 数字不对'))).toMatchObject({
      decision: 'reject',
      code: 'AB23',
      comment: '数字不对',
      quotedVersion: 1,
    });
    expect(parseChatCommand(quoted('【待审核】#AB23', '驳回'))).toMatchObject({ kind: 'malformed' });
  });

  test('when an officer submits, then the first line is the title and the rest the body', () => {
    expect(parseChatCommand('投稿 关于防汛的通知\n各单位：\n请做好准备。')).toEqual({
      kind: 'submit',
      title: '关于防汛的通知',
      body: '各单位：\n请做好准备。',
      sourceUrl: '',
      reprint: null,
      accountName: null,
    });
    expect(parseChatCommand('提交：\n标题\nhttps://mp.weixin.qq.com/s/abc')).toMatchObject({
      title: '标题',
      sourceUrl: 'https://mp.weixin.qq.com/s/abc',
    });
    expect(parseChatCommand('投稿 只有标题')).toMatchObject({ kind: 'malformed' });
  });

  test('when an officer submits a reprint, then its source and original title are read from the top lines', () => {
    expect(
      parseChatCommand('投稿 转载 冬季防火提示\n来源：应急管理部网站\n原标题：冬季森林防火十条\n正文第一段'),
    ).toEqual({
      kind: 'submit',
      title: '冬季防火提示',
      body: '正文第一段',
      sourceUrl: '',
      reprint: { source: '应急管理部网站', originalTitle: '冬季森林防火十条' },
      accountName: null,
    });
    expect(parseChatCommand('投稿 【转载】无来源\n正文')).toMatchObject({
      reprint: { source: '', originalTitle: '无来源' },
    });
  });

  test('when an officer revises, then a one-line text keeps the title', () => {
    expect(parseChatCommand('修改 K7Q2\n新正文')).toEqual({
      kind: 'revise',
      code: 'K7Q2',
      title: null,
      body: '新正文',
    });
    expect(parseChatCommand('修改 K7Q2\n新标题\n新正文\n第二段')).toEqual({
      kind: 'revise',
      code: 'K7Q2',
      title: '新标题',
      body: '新正文\n第二段',
    });
  });

  test.each([
    ['撤回 K7Q2', { kind: 'withdraw', code: 'K7Q2' }],
    [
      '已发布 K7Q2 https://mp.weixin.qq.com/s/x',
      { kind: 'publish', code: 'K7Q2', url: 'https://mp.weixin.qq.com/s/x' },
    ],
    ['查看 #k7q2', { kind: 'view', code: 'K7Q2' }],
    ['发布 K7Q2', { kind: 'publish-to-platform', code: 'K7Q2' }],
    ['发布：#k7q2', { kind: 'publish-to-platform', code: 'K7Q2' }],
    ['转交 K7Q2 李四', { kind: 'hand-over', code: 'K7Q2', toName: '李四' }],
    ['撤销 K7Q2 数据有误', { kind: 'revoke', code: 'K7Q2', reason: '数据有误' }],
    ['绑定 123456', { kind: 'bind', bindCode: '123456' }],
    ['绑定 １２３４５６', { kind: 'bind', bindCode: '123456' }],
    ['小程序绑定', { kind: 'mini-program-bind' }],
    ['解绑', { kind: 'unbind' }],
    ['解绑 刘洋', { kind: 'unbind', personName: '刘洋' }],
    ['解绑：YJJ005', { kind: 'unbind', personName: 'YJJ005' }],
    ['取消代审', { kind: 'end-delegation', otherName: '' }],
    ['取消代理 王建华', { kind: 'end-delegation', otherName: '王建华' }],
    ['结束代审：李静', { kind: 'end-delegation', otherName: '李静' }],
    ['待办', { kind: 'pending' }],
    ['我的稿件', { kind: 'mine' }],
    ['帮助', { kind: 'help' }],
    ['审计摘要', { kind: 'audit-digest' }],
    ['更新情况', { kind: 'cadence-report' }],
    ['@审发 更新情况', { kind: 'cadence-report' }],
  ])('when the message is %p, then it is read as that command', (text, expected) => {
    expect(parseChatCommand(text)).toEqual(expected);
  });

  test.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['？？！！。。', 'empty'],
    ['😀😀👍', 'empty'],
    ['{"$gt":""}', 'unknown'],
    ['你好', 'unknown'],
    ['已发布 K7Q2', 'malformed'],
    ['发布 K7Q2 https://mp.weixin.qq.com/s/x', 'malformed'],
    ['发布', 'malformed'],
    ['绑定 12ab', 'malformed'],
    ['x'.repeat(100_000), 'malformed'],
  ])('when the message is odd (%p), then it is %p, never an action', (text, kind) => {
    expect(parseChatCommand(text).kind).toBe(kind);
  });
});
