/**
 * Messages that arrived while the database was unreachable: appended to a local file before the sender
 * is told, and handled in arrival order once the database answers again. Nothing is lost on a restart
 * in between, since the file is read again at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseUnavailableError } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import type { InboundChatMessage } from './chat-command-handler';

export class InboundSpool {
  private readonly file: string;
  private draining = false;

  constructor(private readonly dependencies: { directory: string; logger: Logger }) {
    this.file = path.join(dependencies.directory, 'inbound-spool.jsonl');
  }

  /** Written synchronously: once this returns, the message survives a crash. */
  add(message: InboundChatMessage): void {
    fs.mkdirSync(this.dependencies.directory, { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  /** Hands spooled messages to `handle` in order; stops at the first that still finds no database. */
  async drain(handle: (message: InboundChatMessage) => Promise<void>): Promise<number> {
    if (this.draining || !fs.existsSync(this.file)) return 0;
    this.draining = true;
    const taken = `${this.file}.draining`;
    try {
      // A previous drain interrupted by a crash left its batch here; it goes first.
      if (!fs.existsSync(taken)) fs.renameSync(this.file, taken);
      const messages = fs
        .readFileSync(taken, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as InboundChatMessage);
      let handled = 0;
      for (const message of messages) {
        try {
          await handle(message);
          handled += 1;
        } catch (error) {
          if (!(error instanceof DatabaseUnavailableError)) {
            this.dependencies.logger.error({ err: error, chatMessageId: message.id }, 'spooled message failed');
            handled += 1;
            continue;
          }
          const remaining = messages
            .slice(handled)
            .map((left) => `${JSON.stringify(left)}\n`)
            .join('');
          const newer = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8') : '';
          fs.writeFileSync(this.file, remaining + newer);
          break;
        }
      }
      fs.rmSync(taken, { force: true });
      if (handled) this.dependencies.logger.info({ handled }, 'spooled chat messages handled');
      return handled;
    } finally {
      this.draining = false;
    }
  }
}
