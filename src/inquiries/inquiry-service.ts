/**
 * Public inquiries (R8, 第十二条): the one face of the feature. Taking them in is the intake's
 * (inquiry-intake.ts); here are the officers' steps — the answer through the platform while its reply
 * window allows (else in the back office, confirmed here), extensions with a new promise, the kind,
 * spam and duplicates, hand-overs to another unit — what waits on a person, and the reminders. Every
 * step is an audited change of the inquiry; the events are kept with it for its timeline.
 */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { civilDate } from '../shared/wall-clock';
import { wellFormed } from '../shared/text-normalization';
import { checkExtension, deadlinesFor, invalidReasonWords, latestPromiseOn, promiseDateWords } from './inquiry-rules';
import type { InquiryClock, InquiryKind, InvalidReason } from './inquiry-rules';
import { InquiryModel } from './inquiry-model';
import type { Inquiry } from './inquiry-model';
import { transferredText } from './inquiry-messages';
import type { InquiryHeading } from './inquiry-messages';
import { collectInquiryReminders, moveReminders, openInquiriesOf } from './inquiry-reminders';
import type { WaitingInquiry } from './inquiry-reminders';
import type { InquiryAccount } from './inquiry-account';
import { InquiryContext, alreadyEnded, ourMessage } from './inquiry-context';
import type { InquiryActor, InquiryServiceDependencies } from './inquiry-context';
import { InquiryIntake } from './inquiry-intake';
import type { ManualRegistration, PlatformMessage } from './inquiry-intake';
import { InquiryAnswers } from './inquiry-answers';
import type { AnswerDecision, AnswerDecisionOutcome, AnswerOutcome } from './inquiry-answers';
import { scopeCoversUnit } from '../people/admin-scope-rules';
import { inquiriesAtDate } from './inquiry-readiness';
import type { InquiryAtDate } from './inquiry-readiness';

export type { InquiryAccount } from './inquiry-account';
export type { InquiryActor, InquiryPlatformClient, InquiryServiceDependencies } from './inquiry-context';
export { inquiryNotFound } from './inquiry-context';
export type { ManualRegistration, PlatformMessage } from './inquiry-intake';

export type { AnswerDecision, AnswerDecisionOutcome, AnswerOutcome } from './inquiry-answers';

export class InquiryService {
  private readonly context: InquiryContext;
  private readonly intake: InquiryIntake;
  private readonly answers: InquiryAnswers;

  constructor(dependencies: InquiryServiceDependencies) {
    this.context = new InquiryContext(dependencies);
    this.intake = new InquiryIntake(this.context);
    this.answers = new InquiryAnswers(this.context);
  }

  /** A follower's message pushed by a connected account (the push endpoint). */
  receivePlatformMessage(accountId: string, message: PlatformMessage): Promise<Inquiry | null> {
    return this.intake.receivePlatformMessage(accountId, message);
  }

  /** The accounts' inquiries received in (from, at] as they stood at `at`, for 考核自查. */
  atDate(accounts: { id: string; unitId: string }[], from: Date, at: Date): Promise<InquiryAtDate[]> {
    return inquiriesAtDate(this.context, accounts, from, at);
  }

  /** An inquiry registered by hand (chat 登记留言, the API, the mini-program, an import). */
  register(actor: InquiryActor, input: ManualRegistration): Promise<Inquiry> {
    return this.intake.register(actor, input);
  }

  /** A platform's export (CSV) for one account, registered row by row (see InquiryIntake.importFile). */
  importFile(
    actor: InquiryActor,
    accountId: string,
    content: string,
  ): Promise<{ imported: number; alreadyThere: number; errors: string[] }> {
    return this.intake.importFile(actor, accountId, content);
  }

  /** The clock an inquiry of `unitId` runs on. */
  clockFor(unitId: string): Promise<InquiryClock> {
    return this.context.clockFor(unitId);
  }

  /** Whether the person may act on an inquiry answered by `unitId` (see InquiryContext.mayAct). */
  mayAct(personId: string, unitId: string, account: InquiryAccount | null): Promise<boolean> {
    return this.context.mayAct(personId, unitId, account);
  }

  findByReference(reference: string): Promise<Inquiry> {
    return this.context.findByReference(reference);
  }

  headingOf(inquiry: Inquiry): Promise<InquiryHeading> {
    return this.context.headingOf(inquiry);
  }

  /**
   * An answer: through the platform while the reply window and its quota allow (after the unit's
   * approval where it asks for one); see InquiryAnswers.
   */
  answer(actor: InquiryActor, reference: string, text: string): Promise<AnswerOutcome> {
    return this.answers.answer(actor, reference, text);
  }

  /** `已答复 Q7K2 [说明]`: answered in the platform's back office, recorded here. */
  confirmAnswered(actor: InquiryActor, reference: string, note: string): Promise<Inquiry> {
    return this.answers.confirmAnswered(actor, reference, note);
  }

  /** `同意答复 Q7K2` / `驳回答复 Q7K2 理由`: an approver's decision on an answer awaiting the unit's approval. */
  decideAnswer(actor: InquiryActor, reference: string, decision: AnswerDecision): Promise<AnswerDecisionOutcome> {
    return this.answers.decide(actor, reference, decision);
  }

  /** `延期 Q7K2 日期 理由`: a new promised date, within 15 working days of receipt; told to the citizen where the platform allows. */
  async extend(
    actor: InquiryActor,
    reference: string,
    input: { dueOn: string; reason: string },
  ): Promise<{ inquiry: Inquiry; citizenTold: boolean }> {
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const [clock, policy] = await Promise.all([
      this.context.clockFor(String(inquiry.unitId)),
      this.context.policyFor(String(inquiry.unitId), String(inquiry.accountId)),
    ]);
    const now = this.context.dependencies.clock.now();
    const reason = wellFormed(input.reason).trim();
    const refusal = checkExtension({
      currentDueOn: inquiry.answerDueOn,
      newDueOn: input.dueOn,
      latestOn: latestPromiseOn(clock, inquiry.receivedAt, policy),
      reason,
      today: civilDate(now, this.context.dependencies.timeZone),
    });
    if (refusal) throw new ValidationError('EXTENSION_INVALID', refusal);
    const extended = await this.context.change(inquiry._id, actor, (current) => {
      if (current.status !== 'open') throw alreadyEnded(current);
      return {
        action: 'inquiry.extended',
        reason,
        details: { fromDueOn: current.answerDueOn, toDueOn: input.dueOn },
        changes: {
          answerDueOn: input.dueOn,
          extensions: [
            ...current.extensions,
            {
              at: now,
              byPersonId: new Types.ObjectId(actor.personId),
              fromDueOn: current.answerDueOn,
              toDueOn: input.dueOn,
              reason,
            },
          ],
        },
      };
    });
    const notice = `您的留言正在办理中，因${reason}，答复期限延至${promiseDateWords(input.dueOn)}，请谅解。`;
    const connected = extended.source === 'platform';
    const told = connected && (await this.context.sendThroughPlatform(extended, notice)) === 'sent';
    if (!told) return { inquiry: extended, citizenTold: false };
    const after = await this.context.change(extended._id, actor, (current) => ({
      action: 'inquiry.extension-told',
      details: { toDueOn: input.dueOn },
      changes: {
        repliesInWindow: current.repliesInWindow + 1,
        messages: [...current.messages, ourMessage(now, notice, '', actor.personId, 'platform')],
      },
    }));
    return { inquiry: after, citizenTold: true };
  }

  /** `类型 Q7K2 投诉`: the kind, and with it the deadline (unless an extension already set one). */
  async setKind(actor: InquiryActor, reference: string, kind: InquiryKind): Promise<Inquiry> {
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const [clock, policy] = await Promise.all([
      this.context.clockFor(String(inquiry.unitId)),
      this.context.policyFor(String(inquiry.unitId), String(inquiry.accountId)),
    ]);
    const { answerDueOn } = deadlinesFor(clock, inquiry.receivedAt, kind, policy);
    const changed = await this.context.change(inquiry._id, actor, (current) => {
      if (current.kind === kind) return null;
      const keepsExtension = current.extensions.length > 0;
      return {
        action: 'inquiry.kind-set',
        details: { from: current.kind, to: kind, answerDueOn: keepsExtension ? current.answerDueOn : answerDueOn },
        changes: keepsExtension ? { kind } : { kind, answerDueOn, originalDueOn: answerDueOn },
      };
    });
    return changed;
  }

  /** `无效 Q7K2 重复|垃圾`: not counted among valid inquiries, and no longer reminded of. */
  async markInvalid(actor: InquiryActor, reference: string, reason: InvalidReason): Promise<Inquiry> {
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const changed = await this.context.change(inquiry._id, actor, (current) => {
      if (current.status !== 'open') throw alreadyEnded(current);
      return {
        action: 'inquiry.marked-invalid',
        reason: invalidReasonWords[reason],
        changes: { status: 'invalid', invalidReason: reason, closedKey: String(current._id) },
      };
    });
    return changed;
  }

  /** `转办 Q7K2 单位名`: the unit that answers it now; the promised date stays. */
  async transfer(
    actor: InquiryActor,
    reference: string,
    unitReference: string,
  ): Promise<{ inquiry: Inquiry; unitName: string }> {
    const inquiry = await this.context.findOpenForAction(actor, reference);
    const unit = await this.findUnit(unitReference);
    if (unit.id === String(inquiry.unitId)) {
      throw new ConflictError('INQUIRY_ALREADY_THERE', `留言 #${inquiry.code} 已由${unit.name}办理`);
    }
    const fromUnitName = await this.context.dependencies.people.unitName(String(inquiry.unitId));
    const changed = await this.context.change(inquiry._id, actor, (current) => {
      if (current.status !== 'open') throw alreadyEnded(current);
      return {
        action: 'inquiry.transferred',
        details: { fromUnitId: String(current.unitId), toUnitId: unit.id, toUnitName: unit.name },
        changes: { unitId: new Types.ObjectId(unit.id) },
      };
    });
    const officers = await this.context.dependencies.people.officersOf(unit.id);
    const heading = await this.context.headingOf(changed);
    await this.context.dependencies.outbox.enqueue(
      officers.map((officer) => ({
        idempotencyKey: `inquiry:${String(changed._id)}:transferred:r${changed.revision}:${officer.id}`,
        recipient: { personId: officer.id },
        text: transferredText(heading, fromUnitName),
      })),
    );
    return { inquiry: changed, unitName: unit.name };
  }

  private async findUnit(reference: string): Promise<{ id: string; name: string }> {
    const name = reference.replace(/^[“"「『]+|[”"」』]+$/g, '').trim();
    if (!name) throw new ValidationError('UNIT_NAME_MISSING', '请写明转办的单位：转办 Q7K2 单位名');
    const units = await this.context.dependencies.people.findUnitsByName(name);
    if (units.length === 0) throw new NotFoundError('UNIT_NOT_FOUND', `找不到名为“${name}”的单位，请核对单位全称`);
    if (units.length > 1)
      throw new ConflictError('UNIT_NAME_SHARED', `有 ${units.length} 个单位名为“${name}”，请在小程序中选择转办单位`);
    return units[0];
  }

  /** `留言`: the open inquiries the person answers (their units'), soonest deadline first. */
  async waitingFor(actor: InquiryActor): Promise<WaitingInquiry[]> {
    const person = (await this.context.dependencies.people.findPeople([actor.personId])).get(actor.personId);
    const unitIds = (person?.unitIds ?? []).filter(isObjectIdText);
    return unitIds.length === 0 ? [] : openInquiriesOf(unitIds, 200);
  }

  /** The unit of each inquiry's account (who may read its audit events). */
  async unitsOf(ids: string[]): Promise<Map<string, string>> {
    const valid = ids.filter(isObjectIdText);
    if (valid.length === 0) return new Map();
    const found = await InquiryModel.find({ _id: { $in: valid } }, { accountUnitId: 1 }).lean<
      Pick<Inquiry, '_id' | 'accountUnitId'>[]
    >();
    return new Map(found.map((inquiry) => [String(inquiry._id), String(inquiry.accountUnitId)]));
  }

  /**
   * The reminders due at `now` (the job's scheduled time): enqueued first, then each inquiry's entry moved
   * to its next time, so a crash in between sends nothing twice (the outbox keys) and loses nothing.
   */
  async sendReminders(now: Date): Promise<number> {
    const { people } = this.context.dependencies;
    const { entries, moves } = await collectInquiryReminders(now, {
      timeZone: this.context.dependencies.timeZone,
      clocksFor: (unitIds) => this.context.clocksFor(unitIds),
      policiesFor: (pairs) => this.context.dependencies.settings.policiesFor(pairs),
      accounts: this.context.dependencies.accounts,
      people: {
        officersOfUnits: (unitIds) => people.officersOfUnits(unitIds),
        unitNames: async (unitIds) =>
          new Map([...(await people.unitLineage(unitIds))].map(([unitId, unit]) => [unitId, unit.name])),
        adminsCovering: async (unitIds) => {
          const [admins, lineage] = await Promise.all([people.activeAdmins(), people.unitLineage(unitIds)]);
          return new Map(
            unitIds.map((unitId) => {
              const place = { id: unitId, ancestorIds: lineage.get(unitId)?.ancestorIds ?? [] };
              return [
                unitId,
                admins.filter((admin) => scopeCoversUnit(admin.scopeUnitIds, place)).map((admin) => admin.id),
              ];
            }),
          );
        },
      },
    });
    await this.context.dependencies.outbox.enqueue(entries);
    await moveReminders(moves);
    return entries.length;
  }
}
