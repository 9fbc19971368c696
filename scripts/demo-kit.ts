/**
 * The demo's way of telling a story (`npm run demo`): the chat transcript stamped and printed as it
 * happens, and steps that end when every expected message arrived and the outbox is drained, so the
 * transcript's order does not depend on timing.
 */
import { AppError } from '../src/shared/errors';
import { OutboxMessageModel } from '../src/outbox/outbox-message-model';
import type { ChatLine, ChatWorld } from '../bot/chat-world';
import { WecomChat } from '../bot/wecom/wecom-chat';

const timeZone = 'Asia/Shanghai';
/** How long one step may wait for the bot's messages. */
const stepTimeoutMs = Number(process.env.DEMO_STEP_TIMEOUT_MS ?? 15_000);

/** Expected bot message: who receives it and what it must contain. */
export type Expectation = [recipient: string, text: string | RegExp];

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const clockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** "[09:12:03] 刘洋 → 审发：投稿 …", with the further lines of a message indented under it. */
export function formatLine(line: ChatLine): string {
  const stamp = `[${clockFormat.format(line.at)}] `;
  const to = line.room ? `群聊「${line.room}」` : line.to;
  const [first, ...rest] = line.text.split('\n');
  const indent = ' '.repeat(stamp.length + 2);
  return [`${stamp}${line.from} → ${to}：${first}`, ...rest.map((text) => `${indent}${text}`)].join('\n');
}

export const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

export class Demo {
  private stepNumber = 0;

  constructor(private readonly chat: ChatWorld) {}

  /** A step's heading, for a step that is not one chat message (a platform's event, a sweep). */
  heading(title: string): void {
    this.stepNumber += 1;
    print();
    print(`—— ${this.stepNumber}. ${title} ——`);
  }

  /**
   * One step of the story: `name` says `text`; the step ends when every expected message has arrived
   * and the outbox holds nothing more to deliver.
   */
  async step(title: string, name: string, text: string, expected: Expectation[]): Promise<string[]> {
    this.heading(title);
    return this.expect(title, expected, () => this.act(name, text));
  }

  /** Runs `action` (anything that makes the bot write) and waits for the expected messages. */
  async expect(title: string, expected: Expectation[], action: () => Promise<unknown>): Promise<string[]> {
    const marks = new Map(expected.map(([recipient]) => [recipient, this.chat.messagesOf(recipient).length]));
    await action();
    const received: string[] = [];
    for (const [recipient, pattern] of expected) {
      try {
        received.push(
          await this.chat.waitFor(recipient, pattern, { after: marks.get(recipient), timeoutMs: stepTimeoutMs }),
        );
      } catch (error) {
        throw new AppError(
          'DEMO_STEP_TIMEOUT',
          `step ${this.stepNumber} (${title}): ${recipient} did not receive “${String(pattern)}” within ${stepTimeoutMs} ms`,
          { cause: error },
        );
      }
    }
    await this.waitUntilDelivered(title);
    return received;
  }

  /** A line of what happened outside the chat, stamped like the chat's: "[09:12:03] 公众号平台 → 审发：…". */
  note(from: string, to: string, text: string): void {
    print(formatLine({ at: new Date(), from, to, text, room: '', fromBot: false }));
  }

  /** `name` writes `text`; on WeCom, "[点击卡片按钮] 同意 #K7Q2" clicks that button on their card instead. */
  private async act(name: string, text: string): Promise<void> {
    const click = /^\[点击卡片按钮\] (同意|驳回) #([A-Z2-9]{4})$/.exec(text);
    if (!click) return this.chat.say(name, text);
    if (!(this.chat instanceof WecomChat))
      throw new AppError('DEMO_UNEXPECTED', 'cards exist on the WeCom channel only');
    await this.chat.clickCard(name, this.chat.cardFor(name, click[2]), click[1]);
  }

  /** Waits until the outbox has nothing pending or being sent. */
  async waitUntilDelivered(title: string): Promise<void> {
    const deadline = Date.now() + stepTimeoutMs;
    while (await OutboxMessageModel.exists({ status: { $in: ['pending', 'sending'] } })) {
      if (Date.now() > deadline) {
        throw new AppError('DEMO_STEP_TIMEOUT', `step ${this.stepNumber} (${title}): the outbox did not drain`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
