/**
 * The real chat bot over the real database, for the chat tests: people from the sample organisation,
 * each with a chat contact bound by a one-time code sent in chat, what each contact receives from the
 * bot, and restarts of the bot process. The chat is wechaty-puppet-mock (bot/mock-chat.ts), or — in
 * the jest project "chat-wecom", which runs the same chat test files — PuppetWecomApp against a fake
 * WeCom server (bot/wecom/wecom-chat.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createServices } from '../../src/services';
import { createLogger } from '../../src/shared/logger';
import type { Logger } from '../../src/shared/logger';
import { systemClock } from '../../src/shared/clock';
import type { Clock } from '../../src/shared/clock';
import { MockChat, mockProvider } from '../../bot/mock-chat';
import type { ChatWorld, ChatWorldOptions } from '../../bot/chat-world';
import { WecomChat } from '../../bot/wecom/wecom-chat';
import { wecomAppPuppetName } from '../../bot/wecom/wecom-channel';
import { DraftModel } from '../../src/drafts/draft-model';
import { AuditEventModel } from '../../src/audit/audit-event-model';
import { PersonModel } from '../../src/people/person-model';

export const sampleOrganization = path.resolve(__dirname, '..', '..', 'docs', 'sample-organization.json');

export type ChatChannel = 'mock' | 'wecom';

/** The chat these tests run over: set per jest project (test/support/wecom-channel-setup.ts). */
export const chatChannel: ChatChannel = process.env.SHENFA_TEST_CHAT_CHANNEL === 'wecom' ? 'wecom' : 'mock';
export const provider = chatChannel === 'wecom' ? wecomAppPuppetName : mockProvider;

/**
 * Limits for the shared scenarios over WeCom: above what they send (40 messages to one person in the
 * restart test), so they test the flow, not the pacing; the rate-limit tests use WeCom's own.
 */
const scenarioMemberLimits = { perMinute: 1000, perHour: 10_000 };

export interface HarnessOptions {
  clock?: Clock;
  /** Import the sample organisation (default true). */
  importSample?: boolean;
  /** The chat channel's longest message in UTF-8 bytes (the channel's own by default). */
  maxMessageBytes?: number;
  /** Where the bot logs (silent unless TEST_LOG_LEVEL is set). */
  logger?: Logger;
}

export type ChatHarness = ChatWorld;

export const ChatHarness = {
  async start(options: HarnessOptions = {}): Promise<ChatHarness> {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    const { maxMessageBytes } = options;
    const services = createServices({ clock, logger, maxMessageBytes });
    if (options.importSample !== false) {
      await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
    }
    const worldOptions: ChatWorldOptions = {
      services,
      logger,
      botName: `shenfa-test-${process.pid}-${Math.random()}`,
      digestKey: 'chat-harness-digest-key-0123456789abcdef',
      recreateServices: () => createServices({ clock, logger, maxMessageBytes }),
    };
    const world =
      chatChannel === 'wecom'
        ? new WecomChat({ ...worldOptions, memberLimits: scenarioMemberLimits })
        : new MockChat(worldOptions);
    await world.start();
    return world;
  },
};

/**
 * `delegateName` stands in for `personName` (a leave delegation from a minute ago, for an hour);
 * answers both people and how to end it early.
 */
export async function standIn(chat: ChatHarness, personName: string, delegateName: string) {
  const [[person], [delegate]] = await Promise.all(
    [personName, delegateName].map((name) => chat.services.people.findPersonByName(name)),
  );
  const now = Date.now();
  await chat.services.people.setDelegation({
    personId: person.id,
    delegateId: delegate.id,
    from: new Date(now - 60_000),
    until: new Date(now + 3_600_000),
    byId: null,
  });
  return { person, delegate, end: () => chat.services.people.endOwnDelegations(person.id, delegateName, 'test') };
}

/** The draft `code` as stored, and how many audit events its trail holds. */
export async function storedDraft(code: string) {
  const draft = await DraftModel.findOne({ shortCode: code }).lean();
  return { draft, events: await AuditEventModel.countDocuments({ 'subject.id': String(draft?._id) }) };
}

/**
 * Withdraws in chat, as their submitters, the drafts still in review: a test that leaves items in an
 * approver's queue would otherwise change what the next test's 待办 or plain 同意 finds.
 */
export async function withdrawOpenDrafts(chat: ChatHarness): Promise<void> {
  const open = await DraftModel.find({ status: 'in_review' }, { shortCode: 1, submitterId: 1 }).lean();
  if (open.length === 0) return;
  const submitters = await PersonModel.find(
    { _id: { $in: open.map((draft) => draft.submitterId) } },
    { name: 1 },
  ).lean();
  const names = new Map(submitters.map((person) => [String(person._id), person.name]));
  for (const draft of open) {
    const name = names.get(String(draft.submitterId)) ?? '';
    await chat.sayAndWait(name, `撤回 ${draft.shortCode}`, `已撤回 #${draft.shortCode}`);
  }
  await chat.settle();
}
