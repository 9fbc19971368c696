import { helpFor } from '../../../bot/help-text';

describe('帮助 per role', () => {
  test('when an officer asks, then they see how to submit, revise and publish, not how to approve', () => {
    const help = helpFor(['officer']);
    expect(help).toContain('· 投稿 关于开展防汛演练的通知（换行）正文');
    expect(help).toContain('· 已发布 K7Q2 https://mp.weixin.qq.com/s/…');
    expect(help).not.toContain('同意 K7Q2');
    expect(help).not.toContain('审计摘要');
  });

  test('when a leader asks, then they see how to decide, and one line on submitting', () => {
    const help = helpFor(['leader']);
    expect(help).toContain('· 同意 K7Q2 内容属实');
    expect(help).toContain('· 驳回 K7Q2 数据需核实');
    expect(help).toContain('【投稿】');
    expect(help).not.toContain('修改 K7Q2');
  });

  test('when an admin who is also a leader asks, then both sections show, each command with one example', () => {
    const help = helpFor(['leader', 'admin']);
    expect(help).toContain('【审核（审核领导）】');
    expect(help).toContain('【管理（管理员）】');
    expect(help).toContain('· 审计摘要');
    for (const line of help.split('\n').filter((text) => text.startsWith('· '))) expect(line).toContain(' —— ');
  });

  test('when someone not bound asks, then they learn how to bind and nothing else', () => {
    const help = helpFor(null);
    expect(help).toContain('绑定 123456');
    expect(help).not.toContain('K7Q2');
  });
});
