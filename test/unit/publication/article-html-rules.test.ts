import fc from 'fast-check';
import { normalizeHashedText } from '../../../src/drafts/draft-content-rules';
import { articleTextOf, readArticleHtml, renderArticleHtml } from '../../../src/publication/article-html-rules';

describe('the article HTML we publish', () => {
  test('when a body is rendered, then each line is a paragraph, an empty line an empty one, images follow', () => {
    expect(renderArticleHtml('第一段 <重要> & 说明\n\n第二段', ['https://mmbiz.qpic.cn/a.png'])).toBe(
      '<p>第一段 &lt;重要&gt; &amp; 说明</p><p><br></p><p>第二段</p><p><img src="https://mmbiz.qpic.cn/a.png"></p>',
    );
  });

  test('when spaces would collapse in HTML, then they are written as &nbsp; and tabs as references', () => {
    expect(renderArticleHtml('甲\n  乙  丙\t丁', [])).toBe('<p>甲</p><p>&nbsp;&nbsp;乙 &nbsp;丙&#9;丁</p>');
  });

  test('when any text is rendered and read back, then the text reads exactly as the content hash normalises it', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 30 });
    const text = fc
      .array(fc.oneof(line, fc.constantFrom('', '  缩进', '&amp;', '<p>', '\t\f', ' \u00a0 ', '\u3000\u3000正文')), {
        maxLength: 8,
      })
      .map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(text, (body) => {
        expect(readArticleHtml(renderArticleHtml(body, [])).text).toBe(normalizeHashedText(body));
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading a published article', () => {
  test('when the platform editor wrote the article, then its text is what a reader sees, line by line', () => {
    const html = [
      '<section style="margin: 0px"><p style="text-align:center"><span style="font-size: 18px;"><strong>关于做好</strong>防汛工作的通知</span></p>',
      '<p><br/></p>',
      '<p>各乡镇：<br>请做好&ldquo;防汛&rdquo;准备&hellip;</p>',
      '<script>alert("x")</script><style>p{color:red}</style><!-- 注释 -->',
      '<p>   联系电话：\n  0571-88886666   </p>',
      '<p><img data-src="https://mmbiz.qpic.cn/b.jpg?wx_fmt=jpeg&amp;from=appmsg" src="data:image/gif;base64,x"></p>',
      '</section>',
    ].join('\n');
    expect(readArticleHtml(html)).toEqual({
      text: '关于做好防汛工作的通知\n\n各乡镇：\n请做好“防汛”准备…\n联系电话： 0571-88886666',
      imageUrls: ['https://mmbiz.qpic.cn/b.jpg?wx_fmt=jpeg&from=appmsg'],
    });
  });

  test('when references are numeric, named or unknown, then the known are decoded and the rest kept', () => {
    expect(readArticleHtml('<p>&#x4E2D;&#25991;&nbsp;&amp;lt;&unknownname;&#0;</p>').text).toBe(
      '中文 &lt;&unknownname;\ufffd',
    );
  });

  test('when text sits in <pre> or a table, then pre keeps its lines and cells are separated by a space', () => {
    expect(readArticleHtml('<pre>第一行\n  第二行</pre><table><tr><td>姓名</td><td>张三</td></tr></table>').text).toBe(
      '第一行\n  第二行\n姓名 张三',
    );
  });

  test('when a tag never closes, then the rest is read as text and reading stays fast', () => {
    expect(readArticleHtml('<p>甲</p><p class="x').text).toBe('甲\n<p class="x');
    const hostile = '<a "'.repeat(50_000);
    const started = Date.now();
    readArticleHtml(hostile);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('the text of an approved version', () => {
  test('when the version is a reprint, then its source is its last line; a body naming a source keeps its own', () => {
    expect(
      articleTextOf({ body: '正文内容\n', reprint: { source: '应急管理部网站', originalTitle: '冬季防火' } }),
    ).toBe('正文内容\n\n来源：应急管理部网站');
    expect(articleTextOf({ body: '正文内容\n来源：新华社', reprint: { source: '新华社', originalTitle: '' } })).toBe(
      '正文内容\n来源：新华社',
    );
    expect(articleTextOf({ body: '正文内容  \r\n第二段', reprint: null })).toBe('正文内容\n第二段');
  });
});
