/**
 * The chat bot's life in the running system: the WeCom self-built app channel when configured, and a
 * bot that is started again with back-off while the chat cannot connect, with its state for the
 * startup screen. src/main.ts starts it with the services; everything chat-specific stays under bot/.
 */
import qrcodeTerminal from 'qrcode-terminal';
import { ScanStatus } from 'wechaty';
import type { AppConfig } from '../src/shared/config';
import type { Logger } from '../src/shared/logger';
import { systemClock } from '../src/shared/clock';
import type { Services } from '../src/services';
import { digestDirectory, resolveDigestKey } from '../src/audit/audit-digest-key';
import { describeChatFailure, describeRetry } from '../src/startup-report';
import type { ChatState } from '../src/startup-report';
import { createChatBot } from './shenfa-bot';
import { WecomChannel, viewDraftText, wecomAppPuppetName, wecomOutboxConfig } from './wecom/wecom-channel';

export interface RunningChatBot {
  state(): ChatState;
  /** Resolves at the bot's first outcome (login, QR code, or failure), or after `timeoutMs`. */
  firstOutcome(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The WeCom self-built app channel: its callback routes and, per bot start, a PuppetWecomApp. */
export function createWecom(config: AppConfig, services: Services, logger: Logger): WecomChannel {
  return new WecomChannel({
    config: config.wecom,
    botName: config.bot.name,
    clock: systemClock,
    logger,
    viewDraft: async (userId, code) => {
      const person = await services.people.findPersonByChatIdentity(wecomAppPuppetName, userId);
      if (!person) return '您尚未绑定身份，不能查看稿件。';
      return viewDraftText(() =>
        services.drafts.viewDraft({ personId: person.id, via: `${wecomAppPuppetName}:${userId}` }, code),
      );
    },
  });
}

/**
 * Starts the bot, and starts it again with back-off (up to 5 minutes) while the chat cannot connect.
 * A failure is one line saying why and what to do, then when the next attempt comes; the errors a
 * puppet reports while trying stay at debug level.
 */
export function keepChatBotRunning(
  config: AppConfig,
  services: Services,
  logger: Logger,
  wecom: WecomChannel | null,
  processId: string,
): RunningChatBot {
  let stopped = false;
  let current: ReturnType<typeof createChatBot> | null = null;
  let retry: NodeJS.Timeout | undefined;
  let state: ChatState = { kind: 'connecting' };
  let failures = 0;
  let shownQrCode = '';
  const outcomeListeners: (() => void)[] = [];
  const setState = (next: ChatState) => {
    state = next;
    for (const listener of outcomeListeners.splice(0)) listener();
  };
  const attempt = async (delayMs: number) => {
    if (stopped) return;
    const bot = createChatBot({
      services,
      puppet: wecom ? wecom.createPuppet() : config.bot.puppet,
      provider: config.bot.puppet,
      puppetToken: config.bot.puppetToken || undefined,
      botName: config.bot.name,
      outbox: wecom ? wecomOutboxConfig(config.outbox) : config.outbox,
      dataDir: config.dataDir,
      timeZone: config.timeZone,
      auditDigest: { key: () => resolveDigestKey(config), directory: digestDirectory(config) },
      logger,
      processId,
    });
    bot.on('scan', (qrcode, status) => {
      // Puppets report the same code several times (waiting, scanned, …): each code is shown once.
      if (status === ScanStatus.Scanned) logger.info('QR code scanned: confirm the login on the phone');
      if (!qrcode || qrcode === shownQrCode) return;
      shownQrCode = qrcode;
      process.stdout.write('\n请用机器人要使用的聊天账号扫描下方二维码登录（过期后会换新二维码并重新显示）：\n');
      qrcodeTerminal.generate(qrcode, { small: true });
      setState({ kind: 'waiting-for-scan' });
    });
    bot.on('login', (user) => {
      failures = 0;
      logger.info({ user: user.name() }, 'chat bot logged in');
      setState({ kind: 'logged-in', user: user.name() });
    });
    bot.on('logout', (user) => logger.warn({ user: user.name() }, 'chat bot logged out'));
    const retryLater = async (reason: unknown) => {
      if (stopped || current !== bot) return;
      current = null;
      const message = reason instanceof Error ? reason.message : String(reason);
      failures += 1;
      if (failures === 1) logger.error(describeChatFailure(message, config.bot.puppet));
      logger.warn(describeRetry(delayMs, failures > 1));
      setState({ kind: 'cannot-connect', reason: message, retryInMs: delayMs });
      await bot.stop().catch(() => undefined);
      retry = setTimeout(() => void attempt(Math.min(delayMs * 2, 300_000)), delayMs);
    };
    // Errors before any login mean the chat service cannot be reached: give up this attempt after a few.
    let errorsBeforeLogin = 0;
    bot.on('error', (error) => {
      if (!bot.isLoggedIn && ++errorsBeforeLogin >= 5) void retryLater(error);
    });
    current = bot;
    try {
      await bot.start();
    } catch (error) {
      await retryLater(error);
    }
  };
  void attempt(5000);
  return {
    state: () => state,
    firstOutcome: (timeoutMs) =>
      state.kind !== 'connecting'
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            outcomeListeners.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await current?.stop();
    },
  };
}

/** Rejections a puppet leaves unhandled in its own listeners (wechat4u after a stop, for one): not ours to act on. */
export function isPuppetRejection(reason: unknown): boolean {
  return reason instanceof Error && /node_modules[\\/](wechaty-puppet|wechat4u)/.test(reason.stack ?? '');
}
