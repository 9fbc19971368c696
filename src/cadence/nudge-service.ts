/**
 * Approval nudges (R6) as the job and the dashboard use them: every few minutes, within the working
 * hours of working days, drafts whose current step has waited beyond the unit's limits get a reminder
 * to the approver, then an escalation to the backup approver or the unit's admins with the submitter
 * told who has the draft. Each nudge is recorded once per pending episode (reminder-record-model.ts),
 * so a decision, withdrawal, revision or handover ends the nudges for what was pending. Nothing is
 * ever approved by timeout.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AdminSummary, PersonSummary, UnitLineage } from '../people/people-service';
import { adminsCovering } from '../people/admin-scope-rules';
import type { DraftInReview } from '../drafts/draft-service-types';
import type { WaitingDraftView } from '../shared/contracts';
import { isWithinWorkingHours, workingMinutesBetween } from './calendar-rules';
import type { WorkingCalendar } from './calendar-rules';
import {
  describeEscalationToAdmins,
  describeEscalationToBackup,
  describeReminder,
  describeWaitingToSubmitter,
  dueNudgeStages,
  nudgeKey,
} from './nudge-rules';
import type { NudgeStage, NudgeText } from './nudge-rules';
import type { PendingEpisode } from '../drafts/pending-episode-rules';
import { workingHoursOf } from './reminder-policy-rules';
import type { ReminderPolicy } from './reminder-policy-rules';
import type { CalendarService } from './calendar-service';
import type { ReminderPolicyService } from './reminder-policy-service';
import { ReminderRecordModel } from './reminder-record-model';
import { recordReminders } from './cadence-service';

export interface NudgePeople {
  findPeople(ids: string[]): Promise<Map<string, PersonSummary>>;
  unitLineage(unitIds: string[]): Promise<Map<string, UnitLineage>>;
  unitsWithin(scopeUnitIds: string[]): Promise<string[]>;
  activeAdmins(): Promise<AdminSummary[]>;
}

export interface NudgeServiceDependencies {
  clock: Clock;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  people: NudgePeople;
  calendar: CalendarService;
  policies: ReminderPolicyService;
  drafts: { listInReview(): Promise<DraftInReview[]> };
  timeZone: string;
  logger?: Logger;
}

interface WaitingDraft {
  draft: DraftInReview;
  episode: PendingEpisode;
  policy: ReminderPolicy;
  elapsedMinutes: number;
}

export class NudgeService {
  constructor(private readonly dependencies: NudgeServiceDependencies) {}

  /** One round of nudges; answers how many messages it queued. */
  async runNudges(): Promise<{ nudges: number; messages: number }> {
    const now = this.dependencies.clock.now();
    const { waiting, calendar, lineage } = await this.readWaiting(null);
    const due = waiting
      .filter(({ policy }) => isWithinWorkingHours(calendar, now, workingHoursOf(policy), this.dependencies.timeZone))
      .flatMap((entry) =>
        dueNudgeStages(entry.elapsedMinutes, entry.policy).map((stage) => ({
          ...entry,
          stage,
          key: nudgeKey(entry.episode, stage),
        })),
      );
    if (due.length === 0) return { nudges: 0, messages: 0 };
    const given = new Set(
      (await ReminderRecordModel.find({ _id: { $in: due.map((entry) => entry.key) } }, { _id: 1 }).lean()).map(
        (record) => record._id,
      ),
    );
    const fresh = due.filter((entry) => !given.has(entry.key));
    if (fresh.length === 0) return { nudges: 0, messages: 0 };

    const admins = await this.dependencies.people.activeAdmins();
    const adminsOf = (unitId: string) =>
      adminsCovering(admins, { id: unitId, ancestorIds: lineage.get(unitId)?.ancestorIds ?? [] });
    const names = await this.dependencies.people.findPeople(
      fresh.flatMap(({ draft, episode }) => [draft.state.submitterId, ...episode.waitingFor, ...episode.backupIds]),
    );
    const nameOf = (id: string) =>
      names.get(id)?.name ?? admins.find((admin) => admin.id === id)?.name ?? '（未知人员）';
    const messages = fresh.flatMap((entry) => this.compose(entry, entry.stage, entry.key, nameOf, adminsOf, lineage));
    await this.dependencies.outbox.enqueue(messages);
    await recordReminders(
      fresh.map((entry) => entry.key),
      now,
    );
    this.dependencies.logger?.info({ nudges: fresh.length, messages: messages.length }, 'approval nudges sent');
    return { nudges: fresh.length, messages: messages.length };
  }

  /** The dashboard's "drafts waiting longest" within an admin's scope. */
  async draftsWaitingLongest(scope: { scopeUnitIds: string[] }, limit = 10): Promise<WaitingDraftView[]> {
    const unitIds = new Set(await this.dependencies.people.unitsWithin(scope.scopeUnitIds));
    const { waiting, lineage } = await this.readWaiting(unitIds);
    const top = waiting
      .sort((left, right) => left.episode.since.getTime() - right.episode.since.getTime())
      .slice(0, limit);
    const names = await this.dependencies.people.findPeople(top.flatMap(({ episode }) => episode.waitingFor));
    return top.map(({ draft, episode, elapsedMinutes }) => ({
      draftId: draft.state.id,
      code: draft.state.shortCode,
      title: draft.title,
      unitId: draft.unitId,
      unitName: lineage.get(draft.unitId)?.name ?? '',
      stepNumber: episode.stepIndex + 1,
      stepCount: draft.state.steps.length,
      waitingFor: episode.waitingFor.map((id) => ({ id, name: names.get(id)?.name ?? '' })),
      waitingSince: episode.since.toISOString(),
      workingHoursWaited: Math.round((elapsedMinutes / 60) * 10) / 10,
    }));
  }

  /** Drafts in review (within `unitIds` when given) with their pending episode and working time waited. */
  private async readWaiting(unitIds: Set<string> | null): Promise<{
    waiting: WaitingDraft[];
    calendar: WorkingCalendar;
    lineage: Map<string, UnitLineage>;
  }> {
    const now = this.dependencies.clock.now();
    const drafts = (await this.dependencies.drafts.listInReview()).filter(
      (draft) => !unitIds || unitIds.has(draft.unitId),
    );
    const [calendar, lineage] = await Promise.all([
      this.dependencies.calendar.workingCalendar(),
      this.dependencies.people.unitLineage([...new Set(drafts.map((draft) => draft.unitId))]),
    ]);
    const policies = await this.dependencies.policies.policiesFor(lineage);
    const waiting = drafts.flatMap((draft) => {
      const { episode } = draft;
      if (!episode) return [];
      const policy = policies.get(draft.unitId) ?? this.dependencies.policies.defaults;
      const hours = workingHoursOf(policy);
      const elapsedMinutes = workingMinutesBetween(calendar, episode.since, now, hours, this.dependencies.timeZone);
      return [{ draft, episode, policy, elapsedMinutes }];
    });
    return { waiting, calendar, lineage };
  }

  private compose(
    { draft, episode, elapsedMinutes }: WaitingDraft,
    stage: NudgeStage,
    key: string,
    nameOf: (id: string) => string,
    adminsOf: (unitId: string) => AdminSummary[],
    lineage: Map<string, UnitLineage>,
  ): OutboxEntry[] {
    const text: NudgeText = {
      code: draft.state.shortCode,
      heading: draft.heading,
      unitName: lineage.get(draft.unitId)?.name ?? '',
      submitterName: nameOf(draft.state.submitterId),
      waitingForNames: episode.waitingFor.map(nameOf).join('、'),
      elapsedHours: Math.floor(elapsedMinutes / 6) / 10,
    };
    const entry = (personId: string, body: string): OutboxEntry => ({
      idempotencyKey: `${key}:${personId}`,
      recipient: { personId },
      text: body,
    });
    if (stage === 'remind') return episode.waitingFor.map((id) => entry(id, describeReminder(text)));
    const toBackup = episode.backupIds.length > 0;
    const escalatedTo = toBackup ? episode.backupIds : adminsOf(draft.unitId).map((admin) => admin.id);
    const escalationText = toBackup ? describeEscalationToBackup(text) : describeEscalationToAdmins(text);
    return [
      ...escalatedTo.map((id) => entry(id, escalationText)),
      entry(draft.state.submitterId, describeWaitingToSubmitter(text, escalatedTo.map(nameOf).join('、'), toBackup)),
    ];
  }
}
