/**
 * Keeps each conversation's messages in the order they arrived: tasks with the same key (a contact,
 * or a group chat) run one after another, tasks with different keys run side by side. Without it,
 * `修改 K7Q2 …` followed at once by `已发布 K7Q2 链接` could be handled publication-first.
 */
export class ConversationOrder {
  /** Key → the last task queued for it; the entry goes once that task has ended and no other follows. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` after the tasks queued earlier under `key`; resolves when it has ended (never rejects). */
  run(key: string, task: () => Promise<void>, onError: (error: unknown) => void): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const tail = previous.then(task).catch(onError);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return tail;
  }

  /** How many conversations have tasks queued or running. */
  get activeConversations(): number {
    return this.tails.size;
  }

  /** Resolves when every task queued so far has ended. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}

/** The conversation a message belongs to: its group chat, or the private chat with its sender. */
export function conversationKey(message: { roomId: string; contactId: string }): string {
  return message.roomId ? `room:${message.roomId}` : `contact:${message.contactId}`;
}
