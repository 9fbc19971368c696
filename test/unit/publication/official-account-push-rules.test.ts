import { readOfficialAccountPush } from '../../../src/publication/official-account-push-rules';
import { buildCallbackXml } from '../../../src/shared/callback-xml';

function publishJobFinished(publishId: string, info: Record<string, unknown> = {}) {
  return buildCallbackXml({
    ToUserName: 'gh_4d00ed8d6399',
    FromUserName: 'oV5CrjpxgaGXNHIQigzNlgLTnwic',
    CreateTime: 1481013459,
    MsgType: 'event',
    Event: 'PUBLISHJOBFINISH',
    PublishEventInfo: {
      publish_id: publishId,
      publish_status: 0,
      article_id: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4',
      article_detail: { count: 1, item: [{ idx: 1, article_url: 'https://mp.weixin.qq.com/s/a' }] },
      ...(info as Record<string, string>),
    },
  });
}

describe('reading an Official Account push', () => {
  test('when a publication finished, then its job, status, article and URLs are read, keyed by sender, time and job', () => {
    expect(readOfficialAccountPush(publishJobFinished('2247503051'))).toEqual({
      kind: 'handled',
      receiptKey: 'event:oV5CrjpxgaGXNHIQigzNlgLTnwic:1481013459:2247503051',
      push: {
        kind: 'publish-job-finished',
        publishId: '2247503051',
        status: 0,
        articleId: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4',
        articleUrls: ['https://mp.weixin.qq.com/s/a'],
        failedIndexes: [],
        at: new Date(1481013459 * 1000),
      },
    });
  });

  test('when two jobs finish in the same second, then their pushes have different keys', () => {
    const first = readOfficialAccountPush(publishJobFinished('1'));
    const second = readOfficialAccountPush(publishJobFinished('2'));
    expect(first.kind === 'handled' && second.kind === 'handled' && first.receiptKey !== second.receiptKey).toBe(true);
  });

  test('when a publication failed, then the failed article indexes are read', () => {
    const failed = `<xml><FromUserName>o1</FromUserName><CreateTime>5</CreateTime><MsgType>event</MsgType>
      <Event>PUBLISHJOBFINISH</Event><PublishEventInfo><publish_id>7</publish_id><publish_status>3</publish_status>
      <fail_idx>1</fail_idx><fail_idx>2</fail_idx></PublishEventInfo></xml>`;
    expect(readOfficialAccountPush(failed)).toMatchObject({
      kind: 'handled',
      push: { status: 3, articleId: null, articleUrls: [], failedIndexes: [1, 2] },
    });
  });

  test('when a follower writes, then the text is read and keyed by its MsgId', () => {
    const text = buildCallbackXml({
      FromUserName: 'oF',
      CreateTime: 9,
      MsgType: 'text',
      Content: '你好',
      MsgId: '6054768590064713728',
    });
    expect(readOfficialAccountPush(text)).toEqual({
      kind: 'handled',
      receiptKey: 'msg:6054768590064713728',
      push: { kind: 'user-text', openId: 'oF', content: '你好', msgId: '6054768590064713728', at: new Date(9000) },
    });
  });

  test('when a push is of another kind or cannot be read, then it says so and carries nothing', () => {
    const image = buildCallbackXml({ FromUserName: 'oF', CreateTime: 9, MsgType: 'image', MsgId: '1' });
    expect(readOfficialAccountPush(image)).toEqual({ kind: 'ignored', what: 'message image' });
    const follow = buildCallbackXml({ FromUserName: 'oF', CreateTime: 9, MsgType: 'event', Event: 'subscribe' });
    expect(readOfficialAccountPush(follow)).toEqual({ kind: 'ignored', what: 'event subscribe' });
    for (const unreadable of [
      'not xml',
      buildCallbackXml({ FromUserName: 'oF', CreateTime: 'soon', MsgType: 'text', MsgId: '1' }),
      buildCallbackXml({ FromUserName: 'oF', CreateTime: 9, MsgType: 'text', MsgId: 'x' }),
      publishJobFinished('not-a-number'),
    ]) {
      expect(readOfficialAccountPush(unreadable)).toEqual({ kind: 'unreadable' });
    }
  });
});
