/**
 * The bot's local record of inbound messages not yet handled, so none is lost:
 * - messages that arrived while the database was unreachable: appended to a local file before the
 *   sender is told, and handled in arrival order once the database answers again;
 * - messages being handled: each is written down before its handling starts and crossed out when it
 *   ends, so a handling cut short by a crash is spooled at the next start and done again (the services
 *   make a repeat harmless: a submission completes the draft stored the first time, a decision answers
 *   that it is already recorded).
 * Nothing is lost on a restart in between, since both are read again at start.
 *
 * Order: each conversation's messages are handled in arrival order (see conversation-order.ts), and
 * the spool keeps it across outages and restarts. In-flight files are named by arrival, so the ones a
 * crash left are spooled in the order they came; while a conversation has messages in the spool, its
 * new messages join the spool behind them instead of overtaking them (`holds`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DatabaseUnavailableError } from '../src/shared/errors';
import type { Logger } from '../src/shared/logger';
import type { InboundChatMessage } from './chat-command-handler';
import { conversationKey } from './conversation-order';

/** Arrivals within one process are told apart by a counter; across restarts the time orders them. */
let arrivalCounter = 0;
/**
 * Spool files being drained in this process. One drain per file at a time, whichever spool object
 * asks: a bot that failed to connect is replaced by a new one over the same folder.
 */
const drainingFiles = new Set<string>();

export class InboundSpool {
  private readonly file: string;
  private readonly inFlightDirectory: string;
  private inFlightDirectoryMade = false;
  /** Message id → its in-flight file's name. */
  private readonly inFlightNames = new Map<string, string>();
  /** Conversations with messages in the spool, which their newer messages must not overtake. */
  private heldConversations = new Set<string>();

  constructor(private readonly dependencies: { directory: string; logger: Logger }) {
    this.file = path.join(dependencies.directory, 'inbound-spool.jsonl');
    this.inFlightDirectory = path.join(dependencies.directory, 'in-flight');
    this.heldConversations = this.spooledConversations();
  }

  /** A mark of the moment a message arrives, taken synchronously on arrival; later marks sort after it. */
  arrival(): string {
    arrivalCounter += 1;
    return `${String(Date.now()).padStart(15, '0')}-${String(arrivalCounter).padStart(9, '0')}`;
  }

  /**
   * Notes that the message was taken in, to be handled (synchronously: once this returns, it survives a
   * crash); `arrival` orders it among the others a crash may leave.
   */
  begin(message: InboundChatMessage, arrival = this.arrival()): void {
    if (!this.inFlightDirectoryMade) {
      fs.mkdirSync(this.inFlightDirectory, { recursive: true });
      this.inFlightDirectoryMade = true;
    }
    const name = `${arrival}-${createHash('sha256').update(message.id).digest('hex').slice(0, 16)}.json`;
    this.inFlightNames.set(message.id, name);
    fs.writeFileSync(path.join(this.inFlightDirectory, name), JSON.stringify(message));
  }

  /** Notes that the message's handling ended, handled or spooled. */
  finish(message: InboundChatMessage): void {
    const name = this.inFlightNames.get(message.id);
    if (!name) return;
    this.inFlightNames.delete(message.id);
    fs.rmSync(path.join(this.inFlightDirectory, name), { force: true });
  }

  /** True while the message's conversation has older messages in the spool: it must join them there. */
  holds(message: InboundChatMessage): boolean {
    return this.heldConversations.has(conversationKey(message));
  }

  /**
   * Spools the messages whose handling a previous process began but never finished, as taken on (their
   * duplicate check was passed already). Call once at start, before any handling begins; returns how many.
   */
  recoverInterrupted(): number {
    if (!fs.existsSync(this.inFlightDirectory)) return 0;
    // Named by arrival: sorted, they are in the order they came.
    const files = fs
      .readdirSync(this.inFlightDirectory)
      .filter((name) => name.endsWith('.json'))
      .sort();
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

  /** Written synchronously: once this returns, the message survives a crash. */
  add(message: InboundChatMessage): void {
    fs.mkdirSync(this.dependencies.directory, { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(message)}\n`);
    this.heldConversations.add(conversationKey(message));
  }

  /**
   * Hands spooled messages to `handle` in order, batch after batch while more arrive; stops at the first
   * that still finds no database.
   */
  async drain(handle: (message: InboundChatMessage) => Promise<void>): Promise<number> {
    if (drainingFiles.has(this.file)) return 0;
    drainingFiles.add(this.file);
    const taken = `${this.file}.draining`;
    let handled = 0;
    try {
      for (;;) {
        // A previous drain interrupted by a crash left its batch in `taken`; it goes first.
        if (!fs.existsSync(taken)) {
          if (!fs.existsSync(this.file)) break;
          fs.renameSync(this.file, taken);
        }
        const messages = readMessages(taken);
        const done = await this.drainBatch(messages, handle);
        handled += done;
        if (done < messages.length) {
          const remaining = messages
            .slice(done)
            .map((left) => `${JSON.stringify(left)}\n`)
            .join('');
          const newer = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8') : '';
          fs.writeFileSync(this.file, remaining + newer);
          fs.rmSync(taken, { force: true });
          break;
        }
        fs.rmSync(taken, { force: true });
      }
      if (handled) this.dependencies.logger.info({ handled }, 'spooled chat messages handled');
      return handled;
    } finally {
      this.heldConversations = this.spooledConversations();
      drainingFiles.delete(this.file);
    }
  }

  /** Handles messages in order; answers how many were done before one found no database. */
  private async drainBatch(
    messages: InboundChatMessage[],
    handle: (message: InboundChatMessage) => Promise<void>,
  ): Promise<number> {
    let done = 0;
    for (const message of messages) {
      try {
        await handle(message);
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) return done;
        this.dependencies.logger.error({ err: error, chatMessageId: message.id }, 'spooled message failed');
      }
      done += 1;
    }
    return done;
  }

  /** The conversations of the messages in the spool (a batch being drained included). */
  private spooledConversations(): Set<string> {
    const keys = new Set<string>();
    for (const file of [`${this.file}.draining`, this.file]) {
      for (const message of readMessages(file)) keys.add(conversationKey(message));
    }
    return keys;
  }
}

/** The messages of a spool file, in order; a line cut off by a crash (the last one written) is left out. */
function readMessages(file: string): InboundChatMessage[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line) return [];
      try {
        return [JSON.parse(line) as InboundChatMessage];
      } catch {
        return [];
      }
    });
}
