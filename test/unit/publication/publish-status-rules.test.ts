import { readPublishStatus } from '../../../src/publication/publish-status-rules';

const context = {
  code: 'K7Q2',
  heading: '#K7Q2 《冬季防火提示》',
  accountName: '应急先锋',
  url: 'https://mp.weixin.qq.com/s/abc',
};

describe('a publication status as people read it', () => {
  test('when the platform published the article, then the message gives the link and says it will be verified', () => {
    expect(readPublishStatus(0, context)).toEqual({
      status: 0,
      outcome: 'published',
      publishableAgain: false,
      alertsAdmins: false,
      text: '【已发布】#K7Q2 《冬季防火提示》 已在公众号“应急先锋”发布：https://mp.weixin.qq.com/s/abc。系统将核对发布内容与审核通过的版本是否一致。',
    });
  });

  test('when it is still publishing, then people are told to wait', () => {
    expect(readPublishStatus(1, context)).toMatchObject({
      outcome: 'publishing',
      publishableAgain: false,
      text: expect.stringContaining('正在公众号“应急先锋”发布'),
    });
  });

  test.each([
    [2, '原创声明未通过', '调整后再发送“发布 K7Q2”'],
    [3, '平台常规失败', '可稍后再发送“发布 K7Q2”重试'],
    [4, '未通过公众号平台审核', '请发送“修改 K7Q2”重新审核后再发布'],
  ])(
    'when the status is %p, then it failed, the draft stays approved and the message says why (%s) and what next',
    (status, why, next) => {
      const reading = readPublishStatus(status, context);
      expect(reading).toMatchObject({ outcome: 'failed', publishableAgain: true, alertsAdmins: false });
      expect(reading.text).toMatch(/^【发布失败】#K7Q2 《冬季防火提示》/);
      expect(reading.text).toContain(why);
      expect(reading.text).toContain('文章未发出，稿件仍为审核通过状态');
      expect(reading.text).toContain(next);
    },
  );

  test.each([
    [5, '【已删除】', '发布后已被删除'],
    [6, '【已被平台屏蔽】', '被平台违规处理'],
  ])(
    'when the status is %p, then the article is gone, the admins are alerted too and nothing is republished',
    (status, label, what) => {
      const reading = readPublishStatus(status, context);
      expect(reading).toMatchObject({ outcome: 'removed', publishableAgain: false, alertsAdmins: true });
      expect(reading.text).toContain(label);
      expect(reading.text).toContain(what);
      expect(reading.text).toContain('原链接：https://mp.weixin.qq.com/s/abc');
    },
  );

  test('when the status is unknown, then a person is asked to check the back office', () => {
    expect(readPublishStatus(9, { ...context, url: '' })).toMatchObject({
      outcome: 'unknown',
      publishableAgain: false,
      text: '#K7Q2 《冬季防火提示》 在公众号“应急先锋”的发布返回了未知状态（9），请登录公众号后台核实是否已发出。',
    });
  });
});
