import {
  buildCallbackXml,
  childOf,
  parseCallbackXml,
  parseXmlDocument,
  textOf,
} from '../../../src/shared/callback-xml';

/** The PUBLISHJOBFINISH push as the platform documents it (freepublish, 发布能力). */
const publishJobFinished = `<xml>
  <ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName>
  <FromUserName><![CDATA[oV5CrjpxgaGXNHIQigzNlgLTnwic]]></FromUserName>
  <CreateTime>1481013459</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[PUBLISHJOBFINISH]]></Event>
  <PublishEventInfo>
    <publish_id>2247503051</publish_id>
    <publish_status>0</publish_status>
    <article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4]]></article_id>
    <article_detail>
      <count>2</count>
      <item><idx>1</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/one]]></article_url></item>
      <item><idx>2</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/two]]></article_url></item>
    </article_detail>
  </PublishEventInfo>
</xml>`;

describe('the push XML reader', () => {
  test('when a PUBLISHJOBFINISH push is read, then its nested fields and every item come out', () => {
    const root = parseXmlDocument(publishJobFinished);
    const info = childOf(root ?? undefined, 'PublishEventInfo');
    expect(textOf(root ?? undefined, 'Event')).toBe('PUBLISHJOBFINISH');
    expect(textOf(info, 'publish_id')).toBe('2247503051');
    expect(textOf(info, 'article_id')).toBe('b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4');
    const items = childOf(info, 'article_detail')?.children.filter((child) => child.tag === 'item') ?? [];
    expect(items.map((item) => textOf(item, 'article_url'))).toEqual([
      'https://mp.weixin.qq.com/s/one',
      'https://mp.weixin.qq.com/s/two',
    ]);
  });

  test('when text is escaped, split over CDATA sections or laid out with spaces, then the value is the text', () => {
    const xml =
      '<?xml version="1.0"?>\n<xml><!-- note --><A>a &lt;b&gt; &amp; &#20013;&#x6587;</A>' +
      '<B>  <![CDATA[x]]]]><![CDATA[>y]]>\n</B><C/><D>  plain  </D></xml>';
    expect(parseCallbackXml(xml)).toEqual({ A: 'a <b> & 中文', B: 'x]]>y', C: '', D: '  plain  ' });
    expect(parseCallbackXml(buildCallbackXml({ Content: '同意 <K7Q2> & ]]> 好', CreateTime: 1 }))).toEqual({
      Content: '同意 <K7Q2> & ]]> 好',
      CreateTime: '1',
    });
  });

  test('when the text is not a well-formed push, then nothing is read from it', () => {
    for (const xml of [
      '',
      '<xml><A>1</B></xml>',
      '<xml><A>1</A>',
      '<xml><A>1 & 2</A></xml>',
      '<xml><A><![CDATA[open</A></xml>',
      '<root><A>1</A></root>',
      '<xml><A>1</A></xml><xml></xml>',
      `<xml>${'<a>'.repeat(12)}${'</a>'.repeat(12)}</xml>`,
    ]) {
      expect(parseCallbackXml(xml)).toBeNull();
    }
  });

  test('when a body of fifty thousand elements is read, then it takes one pass, not one per element', () => {
    const xml = `<xml>${'<Item><![CDATA[审]]></Item>'.repeat(50_000)}</xml>`;
    const started = Date.now();
    expect(parseXmlDocument(xml)?.children).toHaveLength(50_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
