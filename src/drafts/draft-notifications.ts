/**
 * The messages a draft's transitions send: each notification the rules ask for, rendered in Chinese for
 * its recipient with the names involved, keyed by draft, transition and recipient so a repeat enqueues nothing
 * twice; a review request carries a long draft's full text and its files.
 */
import type { StoredTextFile } from '../shared/text-files';
import type { Draft, DraftMessage } from './draft-model';
import { currentVersionOf } from './draft-content-rules';
import { fullTextFileName, isLongBody, renderNotification } from './draft-messages';
import type { MessageContext } from './draft-messages';
import type { ReviewNotification, ReviewState, ReviewVersion } from './review-state';
import type { AccountPublishing, DraftServiceDependencies } from './draft-service-types';
import { transitionKey } from './draft-transition-notes';

export class DraftNotifications {
  constructor(private readonly dependencies: DraftServiceDependencies) {}

  async notify(draft: Draft, state: ReviewState, notifications: ReviewNotification[], from: number | 'created') {
    await this.dependencies.outbox.enqueue(await this.composeMessages(draft, state, notifications, from));
  }

  /**
   * The outbox entries of the notifications of the draft's transition `from` a revision (or of its
   * submission); keyed by draft, transition and recipient.
   */
  async composeMessages(
    draft: Draft,
    state: ReviewState,
    notifications: ReviewNotification[],
    from: number | 'created',
  ): Promise<DraftMessage[]> {
    if (notifications.length === 0) return [];
    const context = await this.messageContext(draft, state, notifications);
    const fullText = notifications.some((notification) => notification.kind === 'review-request')
      ? await this.fullTextFile(draft.shortCode, context.version)
      : null;
    const files = context.version.attachments;
    return notifications.flatMap((notification, index) => {
      const key = `${transitionKey(draft._id, from)}:${index}:${notification.kind}:${notification.recipientId}`;
      const recipient = { personId: notification.recipientId };
      const text = renderNotification(
        context,
        notification,
        notification.previousVersionNumber
          ? state.versions.find((version) => version.number === notification.previousVersionNumber)
          : undefined,
      );
      if (notification.kind !== 'review-request') return [{ idempotencyKey: key, recipient, text, file: null }];
      // An approver gets a long draft's full text and its files with the request, so they can open what they approve.
      const attached = [
        ...(fullText
          ? [{ idempotencyKey: `${key}:full-text`, recipient, text: `全文：${fullText.name}`, file: fullText }]
          : []),
        ...files.map((file, position) => ({
          idempotencyKey: `${key}:file:${position}`,
          recipient,
          text: `附件：${file.name}`,
          file: { path: file.storagePath, name: file.name },
        })),
      ];
      return [{ idempotencyKey: key, recipient, text, file: null }, ...attached];
    });
  }

  async messageContext(
    draft: Draft,
    state: ReviewState,
    notifications: ReviewNotification[] = [],
  ): Promise<MessageContext> {
    // Everyone the route names: receipts say who has the draft, "查看" shows who decided what.
    const ids = new Set<string>([state.submitterId, ...state.ccIds]);
    for (const step of state.steps) {
      for (const id of [...step.approverIds, ...step.backupApproverIds]) ids.add(id);
      for (const decision of step.decisions)
        for (const id of [decision.approverId, decision.onBehalfOfId]) if (id) ids.add(id);
      for (const handover of step.handovers) for (const id of [handover.fromId, handover.toId]) ids.add(id);
    }
    for (const notification of notifications) {
      for (const id of [notification.deciderId, notification.onBehalfOfId]) if (id) ids.add(id);
    }
    const accounts = this.dependencies.accounts;
    const accountId = draft.accountId ? String(draft.accountId) : null;
    const [people, submitterUnitName, accountName, publishing] = await Promise.all([
      this.dependencies.people.findPeople([...ids]),
      this.dependencies.people.unitName(String(draft.unitId)),
      accountId && accounts ? accounts.accountNameOf(accountId) : Promise.resolve(''),
      // Only the approval's receipt says how to publish.
      accountId && accounts?.publishingOf && state.status === 'approved'
        ? accounts.publishingOf(accountId)
        : Promise.resolve<AccountPublishing>('by-hand'),
    ]);
    const names = new Map(
      [...people].map(([id, person]) => [id, person.title ? `${person.name}（${person.title}）` : person.name]),
    );
    const stored = draft.versions.find((version) => version.number === state.currentVersion);
    const current = currentVersionOf(state);
    return {
      draft: state,
      version: {
        ...current,
        findings: stored?.findings ?? this.dependencies.checkContent(current),
        attachments: stored?.attachments ?? [],
      },
      names,
      submitterUnitName,
      accountName,
      publishing,
      mask: this.dependencies.maskPersonalData,
    };
  }

  /** The full text of a long version as a file; null when the body fits a chat message. */
  async fullTextFile(code: string, version: ReviewVersion): Promise<StoredTextFile | null> {
    if (!isLongBody(version.body)) return null;
    const name = fullTextFileName(code, version.title, version.number);
    return this.dependencies.storeTextFile(name, `${version.title}\n\n${version.body}\n`);
  }
}
