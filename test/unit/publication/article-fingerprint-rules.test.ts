import { fingerprintArticle, titleKey } from '../../../src/publication/article-fingerprint-rules';
import { articleTextOf, readArticleHtml, renderArticleHtml } from '../../../src/publication/article-html-rules';

const approved = {
  title: '关于做好防汛工作的通知',
  body: '　　各乡镇：\n\n　　请做好防汛准备。\r\n联系电话：0571-88886666  ',
};

describe('an article fingerprint', () => {
  test('when the approved version is published unedited, then the article read back has the same fingerprint', () => {
    const text = articleTextOf({ body: approved.body });
    const published = readArticleHtml(renderArticleHtml(text, ['https://mmbiz.qpic.cn/a.png']));
    expect(fingerprintArticle({ title: approved.title, text: published.text })).toEqual(
      fingerprintArticle({ title: approved.title, text }),
    );
  });

  test('when an editor changes only indentation and empty lines between paragraphs, then the fingerprint stays', () => {
    const retyped =
      '<section><p style="text-indent:2em">各乡镇：</p><p>请做好防汛准备。</p><p><br></p><p><br></p><p>联系电话：0571-88886666</p></section>';
    expect(fingerprintArticle({ title: approved.title, text: readArticleHtml(retyped).text }).whole).toBe(
      fingerprintArticle({ title: approved.title, text: approved.body }).whole,
    );
  });

  test('when one character of the text or the title changes, then the whole fingerprint changes and says which part', () => {
    const original = fingerprintArticle({ title: approved.title, text: approved.body });
    const textEdited = fingerprintArticle({ title: approved.title, text: approved.body.replace('防汛', '防讯') });
    const titleEdited = fingerprintArticle({ title: '关于做好防汛工作的通知！', text: approved.body });
    expect(textEdited.whole).not.toBe(original.whole);
    expect(textEdited.titleKey).toBe(original.titleKey);
    expect(textEdited.text).not.toBe(original.text);
    expect(titleEdited.whole).not.toBe(original.whole);
    expect(titleEdited.text).toBe(original.text);
  });

  test('when an article has no text, then its text fingerprint is empty (an image-only post matches no text)', () => {
    expect(fingerprintArticle({ title: '海报', text: '' }).text).toBe('');
  });

  test('when a title is retyped with other spaces, width or punctuation, then its key is the same', () => {
    expect(titleKey('“十四五”规划 解读（一）')).toBe(titleKey('十四五规划解读(一)'));
    expect(titleKey('ＡＢＣ 通知')).toBe('abc通知');
  });
});
