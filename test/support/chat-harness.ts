/**
 * The real chat bot on wechaty-puppet-mock over the real database (bot/mock-chat.ts), for the chat
 * tests: people from the sample organisation, each with a mock chat contact bound by a one-time code
 * sent in chat, what each contact receives from the bot, and restarts of the bot process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createServices } from '../../src/services';
import { createLogger } from '../../src/shared/logger';
import type { Logger } from '../../src/shared/logger';
import { systemClock } from '../../src/shared/clock';
import type { Clock } from '../../src/shared/clock';
import { MockChat, mockProvider } from '../../bot/mock-chat';
import type { MockChatOptions } from '../../bot/mock-chat';
import { InboundSpool } from '../../bot/inbound-spool';
import type { InboundChatMessage } from '../../bot/chat-command-handler';

export const sampleOrganization = path.resolve(__dirname, '..', '..', 'docs', 'sample-organization.json');
export const provider = mockProvider;

export interface HarnessOptions {
  clock?: Clock;
  /** Import the sample organisation (default true). */
  importSample?: boolean;
  /** The chat channel's longest message in UTF-8 bytes (WeChat's by default). */
  maxMessageBytes?: number;
  /** Where the bot logs (silent unless TEST_LOG_LEVEL is set). */
  logger?: Logger;
}

export class ChatHarness extends MockChat {
  private constructor(
    options: MockChatOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxMessageBytes: number | undefined,
  ) {
    super(options);
  }

  static async start(options: HarnessOptions = {}): Promise<ChatHarness> {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
    const { maxMessageBytes } = options;
    const services = createServices({ clock, logger, maxMessageBytes });
    if (options.importSample !== false) {
      await services.people.importOrganization(fs.readFileSync(sampleOrganization, 'utf8'), 'json', {});
    }
    const harness = new ChatHarness(
      {
        services,
        logger,
        botName: `shenfa-test-${process.pid}-${Math.random()}`,
        digestKey: 'chat-harness-digest-key-0123456789abcdef',
      },
      clock,
      logger,
      maxMessageBytes,
    );
    await harness.start();
    return harness;
  }

  /** What a bot process that died while handling a message leaves behind: the message noted as in flight. */
  leaveInFlight(message: InboundChatMessage): void {
    new InboundSpool({ directory: path.join(this.dataDir, 'spool'), logger: this.logger }).begin(message);
  }

  /** What a restart of the bot process leaves: a new bot with fresh services, see MockChat.restartBot. */
  async restart(): Promise<void> {
    await this.restartBot(
      createServices({ clock: this.clock, logger: this.logger, maxMessageBytes: this.maxMessageBytes }),
    );
  }
}
