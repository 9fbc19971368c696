/**
 * Answering an inquiry (R8): through the platform's 客服 message while the follower's 48-hour window and
 * its quota allow, recorded as answered elsewhere for other platforms, or the officer told to answer in
 * the back office and confirm. Where the unit asks for it, the answer first walks the unit's approval
 * route, bound to the hash of its text (inquiry-answer-approval-rules.ts); a new text starts again.
 */
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors';
import { wellFormed } from '../shared/text-normalization';
import { answerDueAtOf, replyRouteOf } from './inquiry-rules';
import type { ReplyRoute } from './inquiry-rules';
import type { Inquiry, ReplyChannel } from './inquiry-model';
import { answerHash, approveAnswer, isAnswerApproved } from './inquiry-answer-approval-rules';
import type { PendingAnswer } from './inquiry-answer-approval-rules';
import { answerApprovalRequestText, answerApprovedText, answerRejectedText } from './inquiry-messages';
import { alreadyEnded, ourMessage } from './inquiry-context';
import type { InquiryActor, InquiryContext } from './inquiry-context';

type BackOfficeWhy = Exclude<ReplyRoute, 'platform' | 'no-platform'>;

/** What became of an answer given in chat or through the API. */
export type AnswerOutcome =
  | { kind: 'sent'; inquiry: Inquiry }
  | { kind: 'recorded'; inquiry: Inquiry }
  | { kind: 'back-office'; inquiry: Inquiry; why: BackOfficeWhy }
  | { kind: 'awaiting-approval'; inquiry: Inquiry; approverNames: string[]; step: number; steps: number };

export type AnswerDecision = { kind: 'approve'; contentHash?: string } | { kind: 'reject'; reason: string };

export type AnswerDecisionOutcome =
  | { kind: 'rejected'; inquiry: Inquiry }
  | { kind: 'waiting'; inquiry: Inquiry; approverNames: string[] }
  | { kind: 'approved'; delivered: AnswerOutcome };

export class InquiryAnswers {
  constructor(private readonly context: InquiryContext) {}

  async answer(actor: InquiryActor, reference: string, rawText: string): Promise<AnswerOutcome> {
    const text = wellFormed(rawText).trim();
    if (!text) throw new ValidationError('ANSWER_TEXT_MISSING', '请写明答复内容：答复 Q7K2 内容');
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const policy = await this.context.policyFor(String(inquiry.unitId), String(inquiry.accountId));
    if (policy.answerApproval) return this.submitForApproval(actor, inquiry, text);
    return this.deliver(actor, inquiry, text);
  }

  /** `已答复 Q7K2 [说明]`; an approved answer waiting to be sent by hand is the one recorded. */
  async confirmAnswered(actor: InquiryActor, reference: string, note: string): Promise<Inquiry> {
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const approved = isAnswerApproved(inquiry.pendingAnswer) ? inquiry.pendingAnswer?.text : undefined;
    const text = approved ?? wellFormed(note).trim();
    return this.recordAnswer(actor, inquiry, text, 'back-office', this.context.dependencies.clock.now());
  }

  /** An approver's decision on the pending answer: the current step's approvers only. */
  async decide(actor: InquiryActor, reference: string, decision: AnswerDecision): Promise<AnswerDecisionOutcome> {
    const inquiry = await this.context.findByReference(reference);
    if (inquiry.status !== 'open') throw alreadyEnded(inquiry);
    const pending = inquiry.pendingAnswer;
    const step = pending?.steps[pending.stepIndex];
    if (!pending || !step || isAnswerApproved(pending)) {
      throw new ConflictError('ANSWER_NOT_PENDING', `留言 #${inquiry.code} 没有待审核的答复`);
    }
    if (!step.approverIds.includes(actor.personId)) {
      throw new ForbiddenError('ANSWER_NOT_YOUR_STEP', `您不是留言 #${inquiry.code} 答复当前步骤的审核人`);
    }
    if (decision.kind === 'reject') return this.reject(actor, inquiry, pending, decision.reason);
    const outcome = approveAnswer(pending, actor.personId, decision.contentHash ?? pending.contentHash);
    if (outcome.kind === 'refused') throw new ConflictError('ANSWER_APPROVAL_REFUSED', outcome.message);
    const changed = await this.context.change(inquiry._id, actor, () => ({
      action: outcome.kind === 'approved' ? 'inquiry.answer-approved' : 'inquiry.answer-step-approved',
      details: { contentHash: pending.contentHash, step: pending.stepIndex + 1 },
      changes: { pendingAnswer: outcome.pending },
    }));
    if (outcome.kind === 'waiting') {
      return { kind: 'waiting', inquiry: changed, approverNames: await this.waitingNames(outcome.pending) };
    }
    if (outcome.kind === 'step-done') {
      await this.requestApproval(changed, outcome.pending);
      return { kind: 'waiting', inquiry: changed, approverNames: await this.waitingNames(outcome.pending) };
    }
    // Approved: it goes out as the answer of the officer who wrote it.
    const delivered = await this.deliver(actor, changed, pending.text, pending.byPersonId);
    await this.tellAuthor(changed, pending, answerApprovedText(await this.context.headingOf(changed), delivered.kind));
    return { kind: 'approved', delivered };
  }

  private async submitForApproval(actor: InquiryActor, inquiry: Inquiry, text: string): Promise<AnswerOutcome> {
    const route = await this.context.dependencies.people
      .resolveRoute({
        unitId: String(inquiry.unitId),
        accountId: String(inquiry.accountId),
        submitterId: actor.personId,
      })
      .catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'ROUTE_HAS_NO_APPROVER') throw error;
        throw new ConflictError(
          'ROUTE_HAS_NO_APPROVER',
          '本单位要求答复经审核后发出，但找不到可以审核的领导，请联系管理员配置审核路由',
        );
      });
    const pending: PendingAnswer = {
      text,
      contentHash: answerHash(text),
      byPersonId: actor.personId,
      at: this.context.dependencies.clock.now(),
      steps: route.steps.map((step) => ({
        mode: step.mode,
        approverIds: step.approverIds.map(String),
        approvedByIds: [],
      })),
      stepIndex: 0,
    };
    const changed = await this.context.change(inquiry._id, actor, () => ({
      action: 'inquiry.answer-submitted',
      details: { contentHash: pending.contentHash, steps: pending.steps.length },
      changes: { pendingAnswer: pending },
    }));
    await this.requestApproval(changed, pending);
    return {
      kind: 'awaiting-approval',
      inquiry: changed,
      approverNames: await this.waitingNames(pending),
      step: 1,
      steps: pending.steps.length,
    };
  }

  private async reject(
    actor: InquiryActor,
    inquiry: Inquiry,
    pending: PendingAnswer,
    rawReason: string,
  ): Promise<AnswerDecisionOutcome> {
    const reason = wellFormed(rawReason).trim();
    if (!reason) throw new ValidationError('REASON_MISSING', '驳回须写明理由：驳回答复 Q7K2 理由');
    const changed = await this.context.change(inquiry._id, actor, () => ({
      action: 'inquiry.answer-rejected',
      reason,
      details: { contentHash: pending.contentHash, step: pending.stepIndex + 1 },
      changes: { pendingAnswer: null },
    }));
    const person = (await this.context.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    const heading = await this.context.headingOf(changed);
    await this.tellAuthor(changed, pending, answerRejectedText(heading, person?.name ?? '', reason));
    return { kind: 'rejected', inquiry: changed };
  }

  /** The answer to the citizen: through the platform when it allows, else recorded or sent to the back office. */
  private async deliver(
    actor: InquiryActor,
    inquiry: Inquiry,
    text: string,
    answeredById = actor.personId,
  ): Promise<AnswerOutcome> {
    const { dependencies } = this.context;
    const connected =
      inquiry.source === 'platform' && (await dependencies.platform.clientFor(String(inquiry.accountId))) !== null;
    const now = dependencies.clock.now();
    const policy = await this.context.policyFor(String(inquiry.unitId), String(inquiry.accountId));
    const route = replyRouteOf({ ...inquiry, connected }, now, policy);
    if (route === 'window-closed' || route === 'quota-used') return { kind: 'back-office', inquiry, why: route };
    if (route === 'no-platform') {
      const recorded = await this.recordAnswer(actor, inquiry, text, 'back-office', now, answeredById);
      return { kind: 'recorded', inquiry: recorded };
    }
    const sent = await this.context.sendThroughPlatform(inquiry, text);
    if (sent !== 'sent') return { kind: 'back-office', inquiry, why: sent };
    return { kind: 'sent', inquiry: await this.recordAnswer(actor, inquiry, text, 'platform', now, answeredById) };
  }

  private async recordAnswer(
    actor: InquiryActor,
    inquiry: Inquiry,
    text: string,
    channel: ReplyChannel,
    at: Date,
    answeredById = actor.personId,
  ): Promise<Inquiry> {
    const answered = await this.context.change(inquiry._id, actor, (current) => {
      if (current.status !== 'open') throw alreadyEnded(current);
      const approvedHash = isAnswerApproved(current.pendingAnswer) ? current.pendingAnswer?.contentHash : undefined;
      return {
        action: 'inquiry.answered',
        details: {
          channel,
          onTime: at.getTime() < answerDueAtOf(current.answerDueOn, this.context.dependencies.timeZone).getTime(),
          ...(approvedHash ? { approvedContentHash: approvedHash } : {}),
        },
        changes: {
          status: 'answered',
          closedKey: String(current._id),
          answeredAt: at,
          answeredById: new Types.ObjectId(answeredById),
          answeredByUnitId: current.unitId,
          answerText: text,
          answerChannel: channel,
          repliesInWindow: current.repliesInWindow + (channel === 'platform' ? 1 : 0),
          messages: [...current.messages, ourMessage(at, text, 'answer', answeredById, channel)],
        },
      };
    });
    return answered;
  }

  /** The current step's approvers are asked, keyed by the text's hash and the step. */
  private async requestApproval(inquiry: Inquiry, pending: PendingAnswer): Promise<void> {
    const step = pending.steps[pending.stepIndex];
    const [heading, people] = await Promise.all([
      this.context.headingOf(inquiry),
      this.context.dependencies.people.findPeople([pending.byPersonId]),
    ]);
    const text = answerApprovalRequestText(heading, pending.text, people.get(pending.byPersonId)?.name ?? '', {
      step: pending.stepIndex + 1,
      steps: pending.steps.length,
    });
    await this.context.dependencies.outbox.enqueue(
      step.approverIds.map((personId) => ({
        idempotencyKey: `inquiry:${String(inquiry._id)}:answer-approval:${pending.contentHash.slice(0, 16)}:${pending.stepIndex}:${personId}`,
        recipient: { personId },
        text,
      })),
    );
  }

  private async tellAuthor(inquiry: Inquiry, pending: PendingAnswer, text: string): Promise<void> {
    await this.context.dependencies.outbox.enqueue([
      {
        idempotencyKey: `inquiry:${String(inquiry._id)}:answer-decided:r${inquiry.revision}:${pending.byPersonId}`,
        recipient: { personId: pending.byPersonId },
        text,
      },
    ]);
  }

  private async waitingNames(pending: PendingAnswer): Promise<string[]> {
    const step = pending.steps[pending.stepIndex];
    const waiting = step.approverIds.filter((id) => !step.approvedByIds.includes(id));
    const people = await this.context.dependencies.people.findPeople(waiting);
    return waiting.map((id) => people.get(id)?.name ?? '');
  }
}
