import { characterCount, checkPlatformLimits } from '../../../src/publication/article-limit-rules';

const official = 'wechat-official-account' as const;
const title32 = '关于做好二〇二六年汛期安全防范工作和应急值守工作的紧急通知'.padEnd(32, '文');

describe('the 公众号 limits at submission', () => {
  test('when a title has 32 字, then it passes; with 33, then a blocking finding says the limit and the count', () => {
    expect(characterCount(title32)).toBe(32);
    expect(checkPlatformLimits({ title: title32, body: '正文', platform: official })).toEqual([]);
    const [finding] = checkPlatformLimits({ title: `${title32}啊`, body: '正文', platform: official });
    expect(finding).toEqual({
      rule: 'official-account-title-length',
      category: '公众号发布限制',
      severity: 'block',
      field: 'title',
      start: 0,
      end: 33,
      excerpt: `${title32}啊`,
      suggestion: '公众号标题最多32个字，现为33字，请缩短标题后再提交',
    });
  });

  test('when a title holds emoji, then each counts as one 字', () => {
    expect(checkPlatformLimits({ title: '🎉'.repeat(32), body: '正文', platform: official })).toEqual([]);
  });

  test('when the draft goes to a 微博 account or to none, then no 公众号 limit applies', () => {
    const long = {
      title: '标'.repeat(60),
      body: '正'.repeat(30_000),
      attachments: [{ name: 'a.gif', mimeType: 'image/gif', size: 5e6 }],
    };
    expect(checkPlatformLimits({ ...long, platform: 'weibo' })).toEqual([]);
    expect(checkPlatformLimits({ ...long, platform: null })).toEqual([]);
    expect(checkPlatformLimits(long)).toEqual([]);
  });

  test('when the article would reach 20,000 characters once laid out, then it is blocked with both counts', () => {
    const body = Array.from({ length: 2_000 }, () => '正'.repeat(9)).join('\n');
    const findings = checkPlatformLimits({ title: '标题', body, platform: official });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'official-account-content-length',
        severity: 'block',
        excerpt: `正文${body.length}字，排版后${2_000 * 16}字符`,
      }),
    ]);
    expect(checkPlatformLimits({ title: '标题', body: '正'.repeat(19_000), platform: official })).toEqual([]);
  });

  test('when an image file is not JPG/PNG or is 1MB or more, then it is blocked by name', () => {
    const findings = checkPlatformLimits({
      title: '海报',
      body: '',
      platform: official,
      attachments: [
        { name: '动图.gif', mimeType: 'image/gif', size: 10_000 },
        { name: '大图.jpg', mimeType: 'image/jpeg', size: 1024 * 1024 },
        { name: '小图.png', mimeType: 'image/png', size: 1024 * 1024 - 1 },
        {
          name: '方案.docx',
          mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          size: 5e6,
        },
      ],
    });
    expect(findings.map(({ rule, excerpt, suggestion }) => [rule, excerpt, suggestion])).toEqual([
      ['official-account-image-type', '动图.gif', '公众号正文图片只支持JPG、PNG格式，请转换格式后重新发送'],
      ['official-account-image-size', '大图.jpg', '公众号正文图片须小于1MB，该图片为1.0MB，请压缩后重新发送'],
    ]);
  });

  test('when the text names an image (a tag, Markdown or a link to an image file), then it warns where', () => {
    const body =
      '见下图：https://www.gov.cn/a/b.JPG。\n![图](http://x.cn/c.png)\n<img src="https://mmbiz.qpic.cn/d">\n详见 https://www.gov.cn/page.html';
    const findings = checkPlatformLimits({ title: '通知', body, platform: official });
    expect(findings.map(({ rule, severity, excerpt }) => [rule, severity, excerpt])).toEqual([
      ['official-account-image-link', 'warn', 'https://www.gov.cn/a/b.JPG'],
      ['official-account-image-link', 'warn', '![图](http://x.cn/c.png)'],
      ['official-account-image-link', 'warn', '<img src="https://mmbiz.qpic.cn/d">'],
    ]);
    for (const finding of findings) expect(body.slice(finding.start, finding.end)).toBe(finding.excerpt);
  });
});
