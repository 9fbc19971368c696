/**
 * The 客服消息 (customer-service messages) of the fake Official Account platform: when each follower last
 * wrote to each account, and the text messages sent back, refused as the platform refuses them
 * (`../shared/WECHAT-OFFICIAL.md`, "Replying to a user"): 45015 once 48 hours have passed since the
 * follower's last message or when they never wrote, 45047 once the window's messages are used up. In
 * memory; used only by the fake.
 */
import type { Clock } from '../shared/clock';

/** One 客服 message the fake accepted. */
export interface FakeCustomMessage {
  appId: string;
  openId: string;
  text: string;
  at: Date;
}

type Answer = Record<string, unknown>;

/** Messages may follow a follower's message for 48 hours. */
const replyWindowMs = 48 * 3600_000;
/** Messages per window: 5 today; it was 20 until 2021, hence configurable. */
export const defaultCustomMessagesPerWindow = 5;

export class FakeCustomMessages {
  /** `${appId} ${openId}` → when the follower last wrote (ms) and how many messages went out since. */
  private readonly windows = new Map<string, { lastMessageAt: number; sent: number }>();
  private readonly accepted: FakeCustomMessage[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly perWindow: number,
  ) {}

  /** The follower wrote to the account at `at`: a new window opens and its count starts again. */
  userMessaged(appId: string, openId: string, at: Date): void {
    this.windows.set(windowKey(appId, openId), { lastMessageAt: at.getTime(), sent: 0 });
  }

  /** message/custom/send for the account: the platform's answer, and the message kept when accepted. */
  send(appId: string, body: Answer): Answer {
    const openId = typeof body.touser === 'string' ? body.touser : '';
    if (!openId) return { errcode: 40003, errmsg: 'invalid openid' };
    if (body.msgtype !== 'text') return { errcode: 40008, errmsg: 'invalid message type' };
    const content = (body.text as { content?: unknown } | undefined)?.content;
    if (typeof content !== 'string' || !content) return { errcode: 44004, errmsg: 'empty content' };
    const now = this.clock.now();
    const window = this.windows.get(windowKey(appId, openId));
    if (!window || now.getTime() - window.lastMessageAt > replyWindowMs) {
      return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' };
    }
    if (window.sent >= this.perWindow) return { errcode: 45047, errmsg: 'out of response count limit' };
    window.sent += 1;
    this.accepted.push({ appId, openId, text: content, at: now });
    return { errcode: 0, errmsg: 'ok' };
  }

  /** The accepted messages, oldest first; of one account when `appId` is given. */
  sent(appId?: string): FakeCustomMessage[] {
    return this.accepted.filter((message) => appId === undefined || message.appId === appId);
  }
}

function windowKey(appId: string, openId: string): string {
  return `${appId} ${openId}`;
}
