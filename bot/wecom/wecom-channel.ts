/**
 * The WeCom channel as the bot process runs it: the callback routes (mounted once on the Koa server)
 * and a new PuppetWecomApp for each start of the bot, with the routes always feeding the current one.
 * Used by `src/main.ts` when `WECHATY_PUPPET=wecom-app`, and by the WeCom chat world of the tests.
 */
import fs from 'node:fs';
import type Router from '@koa/router';
import type { Clock } from '../../src/shared/clock';
import type { Logger } from '../../src/shared/logger';
import type { WecomConfig } from '../../src/shared/config';
import { isAppError } from '../../src/shared/errors';
import { PuppetWecomApp } from './puppet-wecom-app';
import type { WecomAppSettings } from './puppet-wecom-app';
import type { MemberSendLimits } from './wecom-send-limits';
import { createWecomCallbackRouter, draftLink } from './wecom-callback-routes';

export { wecomAppPuppetName } from './puppet-wecom-app';
export { wecomOutboxConfig } from './wecom-send-limits';

export interface WecomChannelOptions {
  config: WecomConfig;
  botName: string;
  clock: Clock;
  logger: Logger;
  /** The draft's full text for the bound member `userId` (the 查看全文 page). */
  viewDraft?: (userId: string, code: string) => Promise<string>;
  memberLimits?: MemberSendLimits;
}

export class WecomChannel {
  readonly router: Router;
  private current: PuppetWecomApp | null = null;

  constructor(private readonly options: WecomChannelOptions) {
    const { config, clock, logger } = options;
    this.router = createWecomCallbackRouter({
      path: config.callbackPath,
      secrets: this.settings,
      clock,
      logger,
      receive: () => {
        const puppet = this.current;
        return puppet ? (plaintext) => puppet.receive(plaintext) : null;
      },
      viewDraft: options.viewDraft,
      linkKey: config.secret,
    });
  }

  get settings(): WecomAppSettings {
    const { config } = this.options;
    return {
      corpId: config.corpId,
      agentId: config.agentId,
      secret: config.secret,
      token: config.token,
      encodingAesKey: config.encodingAesKey,
      apiBaseUrl: config.apiBaseUrl,
      approvalCards: config.approvalCards,
      aibot: config.aibotId ? { botId: config.aibotId, secret: config.aibotSecret, wsUrl: config.aibotWsUrl } : null,
    };
  }

  /** A new puppet, which from now on receives the callbacks. */
  createPuppet(): PuppetWecomApp {
    const { config, clock, logger } = this.options;
    const publicBaseUrl = config.publicBaseUrl;
    this.current = new PuppetWecomApp({
      settings: this.settings,
      botName: this.options.botName,
      clock,
      logger,
      memberLimits: this.options.memberLimits,
      draftViewUrl: publicBaseUrl
        ? (userId, code, version) =>
            draftLink(publicBaseUrl, config.callbackPath, config.secret, { userId, code, version, now: clock.now() })
        : undefined,
    });
    return this.current;
  }

  get puppet(): PuppetWecomApp | null {
    return this.current;
  }
}

/** The 查看全文 page's text: what "查看 K7Q2" answers that member, or the reason they may not see it. */
export async function viewDraftText(
  view: () => Promise<{ text: string; file: { path: string } | null }>,
): Promise<string> {
  try {
    const answer = await view();
    // A long draft's chat answer is an excerpt; its full text is the file sent with it.
    return answer.file ? `${answer.text}\n\n${await fs.promises.readFile(answer.file.path, 'utf8')}` : answer.text;
  } catch (error) {
    if (isAppError(error) && error.expose) return error.message;
    throw error;
  }
}
