/**
 * What an Official Account (公众号) push says, read from its decrypted XML, and the key that tells a
 * retry from a new push. Pure. The platform retries a push it got no answer to within 5 s, 3 tries in
 * all; messages are told apart by MsgId, events by FromUserName + CreateTime (`../shared/WECHAT-OFFICIAL.md`).
 */
import { childOf, parseXmlDocument, textOf } from '../shared/callback-xml';
import type { XmlElement } from '../shared/callback-xml';

/** A push the connector acts on; every other kind is answered and ignored. */
export type OfficialAccountPush =
  | {
      kind: 'publish-job-finished';
      publishId: string;
      /** publish_status: 0 success, 2 原创声明失败, 3 常规失败, 4 平台审核不通过, 5 deleted, 6 banned. */
      status: number;
      articleId: string | null;
      articleUrls: string[];
      /** 1-based indexes of the articles that failed. */
      failedIndexes: number[];
      at: Date;
    }
  | { kind: 'user-text'; openId: string; content: string; msgId: string; at: Date };

/** What one account's pushes are handed to, after the platform has had its answer. */
export type OfficialAccountPushHandler = (accountId: string, push: OfficialAccountPush) => Promise<void>;

export type ReadPush =
  | { kind: 'handled'; push: OfficialAccountPush; receiptKey: string }
  | { kind: 'ignored'; what: string }
  | { kind: 'unreadable' };

const digits = /^\d{1,20}$/;

function timeOf(createTime: string): Date | null {
  return digits.test(createTime) ? new Date(Number(createTime) * 1000) : null;
}

/** Reads a decrypted push. `receiptKey` names it for the dedupe: the same for every retry of one push. */
export function readOfficialAccountPush(plaintext: string): ReadPush {
  const root = parseXmlDocument(plaintext);
  if (!root) return { kind: 'unreadable' };
  const messageType = textOf(root, 'MsgType');
  const at = timeOf(textOf(root, 'CreateTime'));
  const from = textOf(root, 'FromUserName');
  if (!at || !from) return { kind: 'unreadable' };
  if (messageType === 'text') {
    const msgId = textOf(root, 'MsgId');
    if (!digits.test(msgId)) return { kind: 'unreadable' };
    const push = { kind: 'user-text' as const, openId: from, content: textOf(root, 'Content'), msgId, at };
    return { kind: 'handled', push, receiptKey: `msg:${msgId}` };
  }
  const event = textOf(root, 'Event');
  if (messageType !== 'event' || event !== 'PUBLISHJOBFINISH') {
    return { kind: 'ignored', what: messageType === 'event' ? `event ${event}` : `message ${messageType}` };
  }
  const push = publishJobFinished(childOf(root, 'PublishEventInfo'), at);
  if (!push) return { kind: 'unreadable' };
  // Two jobs can finish in the same second: the publish_id keeps their events apart.
  return { kind: 'handled', push, receiptKey: `event:${from}:${textOf(root, 'CreateTime')}:${push.publishId}` };
}

type PublishJobFinished = Extract<OfficialAccountPush, { kind: 'publish-job-finished' }>;

function publishJobFinished(info: XmlElement | undefined, at: Date): PublishJobFinished | null {
  const publishId = textOf(info, 'publish_id').trim();
  const status = textOf(info, 'publish_status').trim();
  if (!digits.test(publishId) || !/^\d{1,3}$/.test(status)) return null;
  const items = childOf(info, 'article_detail')?.children.filter((child) => child.tag === 'item') ?? [];
  const failedIndexes = (info?.children ?? [])
    .filter((child) => child.tag === 'fail_idx')
    .map((child) => Number(child.text.trim()))
    .filter((index) => Number.isInteger(index) && index > 0);
  return {
    kind: 'publish-job-finished',
    publishId,
    status: Number(status),
    articleId: textOf(info, 'article_id').trim() || null,
    articleUrls: items.map((item) => textOf(item, 'article_url').trim()).filter(Boolean),
    failedIndexes,
    at,
  };
}
