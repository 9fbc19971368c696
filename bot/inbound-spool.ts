/**
 * The bot's local record of inbound messages not yet handled, so none is lost:
 * - messages that arrived while the database was unreachable: appended to a local file before the
 *   sender is told, and handled in arrival order once the database answers again;
 * - messages being handled: each is written down before its handling starts and crossed out when it
 *   ends, so a handling cut short by a crash is spooled at the next start and done again (the services
 *   make a repeat harmless: a submission completes the draft stored the first time, a decision answers
 *   that it is already recorded).
 * Nothing is lost on a restart in between, since both are read again at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DatabaseUnavailableError } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import type { InboundChatMessage } from './chat-command-handler';

export class InboundSpool {
  private readonly file: string;
  private readonly inFlightDirectory: string;
  private draining = false;
  private inFlightDirectoryMade = false;

  constructor(private readonly dependencies: { directory: string; logger: Logger }) {
    this.file = path.join(dependencies.directory, 'inbound-spool.jsonl');
    this.inFlightDirectory = path.join(dependencies.directory, 'in-flight');
  }

  /** Notes that the message's handling starts (synchronously: once this returns, it survives a crash). */
  begin(message: InboundChatMessage): void {
    if (!this.inFlightDirectoryMade) {
      fs.mkdirSync(this.inFlightDirectory, { recursive: true });
      this.inFlightDirectoryMade = true;
    }
    fs.writeFileSync(this.inFlightFile(message), JSON.stringify(message));
  }

  /** Notes that the message's handling ended, handled or spooled. */
  finish(message: InboundChatMessage): void {
    fs.rmSync(this.inFlightFile(message), { force: true });
  }

  /**
   * Spools the messages whose handling a previous process began but never finished, as taken on (their
   * duplicate check was passed already). Call once at start, before any handling begins; returns how many.
   */
  recoverInterrupted(): number {
    if (!fs.existsSync(this.inFlightDirectory)) return 0;
    const files = fs.readdirSync(this.inFlightDirectory).filter((name) => name.endsWith('.json'));
    for (const name of files) {
      const file = path.join(this.inFlightDirectory, name);
      try {
        this.add({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as InboundChatMessage), takenOn: true });
      } catch (error) {
        // Cut off while being written: the handling had not begun.
        this.dependencies.logger.warn({ err: error, file }, 'unreadable in-flight chat message skipped');
      }
      fs.rmSync(file, { force: true });
    }
    if (files.length > 0) {
      this.dependencies.logger.warn(
        { messages: files.length },
        'chat messages cut short by a restart are handled again',
      );
    }
    return files.length;
  }

  private inFlightFile(message: InboundChatMessage): string {
    const name = createHash('sha256').update(message.id).digest('hex').slice(0, 32);
    return path.join(this.inFlightDirectory, `${name}.json`);
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
