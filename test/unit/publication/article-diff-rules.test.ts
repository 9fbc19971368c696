import {
  describeMismatch,
  describeVerified,
  diffArticle,
  formatArticleDifference,
} from '../../../src/publication/article-diff-rules';

const approved = {
  title: '关于做好防汛工作的通知',
  text: '各乡镇：\n\n请做好防汛准备，今年投入资金500万元。\n联系人：张三',
};
const publication = {
  heading: '#K7Q2 《关于做好防汛工作的通知》',
  accountName: '应急先锋',
  versionNumber: 2,
  url: 'https://mp.weixin.qq.com/s/abc',
};

describe('the difference between the approved and the published article', () => {
  test('when nothing but layout differs, then there is no place to show', () => {
    const difference = diffArticle(approved, {
      title: approved.title,
      text: '　　各乡镇：\n请做好防汛准备，今年投入资金500万元。\n\n\n联系人：张三',
    });
    expect(difference.placeCount).toBe(0);
    expect(formatArticleDifference(difference)).toBe('· 文字一致');
  });

  test('when words are changed, removed and added, then each place is a line with its paragraph and context', () => {
    const published = {
      title: '关于做好防汛抗旱工作的通知',
      text: '各乡镇：\n请做好防汛准备，今年投入资金800万元。\n联系人：张三\n请各单位认真落实。',
    };
    const difference = diffArticle(approved, published);
    expect(difference.placeCount).toBe(3);
    expect(formatArticleDifference(difference)).toBe(
      [
        '· 标题 增：关于做好防汛【抗旱】工作的通知',
        '· 第2段 改：…防汛准备，今年投入资金【500】→【800】万元。',
        '· 第3段 增：联系人：张三【↵请各单位认真落实。】',
      ].join('\n'),
    );
  });

  test('when more places differ than a message shows, then the rest are counted and the detail page named', () => {
    const many = Array.from({ length: 12 }, (_, index) => `第${index}条规定。`).join('\n');
    const edited = many.replace(/规定/g, '要求');
    const text = formatArticleDifference(diffArticle({ title: 't', text: many }, { title: 't', text: edited }), {
      maxPlaces: 3,
    });
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('· 另有 9 处不同，完整对照见小程序稿件详情的“发布核验”');
  });

  test('when the article is verified or differs, then the message names the draft, the account, the version and the link', () => {
    expect(describeVerified(publication)).toBe(
      '【发布核验】#K7Q2 《关于做好防汛工作的通知》 已在公众号“应急先锋”发布，经核验与审核通过的第2版一致：https://mp.weixin.qq.com/s/abc',
    );
    const message = describeMismatch(
      publication,
      diffArticle(approved, { ...approved, text: approved.text.replace('张三', '李四') }),
    );
    expect(message).toBe(
      [
        '【发布核验不一致】#K7Q2 《关于做好防汛工作的通知》 在公众号“应急先锋”上的内容与审核通过的第2版有 1 处不同：',
        '· 第3段 改：联系人：【张三】→【李四】',
        '文章链接：https://mp.weixin.qq.com/s/abc',
        '请核实是否在平台上被改动。未经审核的改动须更正：在公众号后台改回审核通过的内容，或删除后按“修改”重新审核再发布。',
      ].join('\n'),
    );
  });
});
