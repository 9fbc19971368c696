/**
 * The retention of given reminders: records older than the retention are deleted unless they still
 * guard against a warning being sent twice (reminder-record-rules.ts). Reads in bulk — the records due
 * for pruning, the states of the accounts they name, the drafts in review — and deletes by `_id`.
 */
import { Types } from 'mongoose';
import { civilDate } from '../shared/wall-clock';
import { CadenceStateModel } from './cadence-state-model';
import type { CadenceState } from './cadence-state-model';
import { ReminderRecordModel } from './reminder-record-model';
import { reminderStillGuards, reminderSubject } from './reminder-record-rules';
import type { ReminderGuardFacts } from './reminder-record-rules';

export interface ReminderRecordServiceDependencies {
  drafts: { listInReview(): Promise<{ state: { id: string } }[]> };
  timeZone: string;
}

/** Records judged and deleted per round: bounds memory and the size of each `$in`. */
const pruneBatchSize = 1000;

export class ReminderRecordService {
  constructor(private readonly dependencies: ReminderRecordServiceDependencies) {}

  /** Deletes the records given before `before` that guard nothing any more; answers how many went and stayed. */
  async pruneGivenBefore(before: Date): Promise<{ deleted: number; kept: number }> {
    // Served by the { at: 1 } index.
    const candidates = await ReminderRecordModel.find({ at: { $lt: before } }, { _id: 1 }).lean();
    if (candidates.length === 0) return { deleted: 0, kept: 0 };
    const draftsInReview = candidates.some((record) => record._id.startsWith('nudge:'))
      ? new Set((await this.dependencies.drafts.listInReview()).map((draft) => draft.state.id))
      : new Set<string>();
    let deleted = 0;
    for (let start = 0; start < candidates.length; start += pruneBatchSize) {
      const batch = candidates.slice(start, start + pruneBatchSize).map((record) => record._id);
      const subjects = batch.map((key) => ({ key, subject: reminderSubject(key) }));
      const facts: ReminderGuardFacts = {
        lastPostDates: await this.lastPostDates(
          subjects.flatMap(({ subject }) => (subject.kind === 'cadence' ? [subject.accountId] : [])),
        ),
        draftsInReview,
      };
      const stale = subjects.filter(({ subject }) => !reminderStillGuards(subject, facts)).map(({ key }) => key);
      if (stale.length > 0) deleted += (await ReminderRecordModel.deleteMany({ _id: { $in: stale } })).deletedCount;
    }
    return { deleted, kept: candidates.length - deleted };
  }

  private async lastPostDates(accountIds: string[]): Promise<ReminderGuardFacts['lastPostDates']> {
    const ids = [...new Set(accountIds)].filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
    if (ids.length === 0) return new Map();
    const states = await CadenceStateModel.find({ _id: { $in: ids } }).lean<CadenceState[]>();
    const dateOf = (at: Date | null) => (at ? civilDate(at, this.dependencies.timeZone) : null);
    return new Map(
      states.map((state) => [
        String(state._id),
        { post: dateOf(state.lastPostAt), original: dateOf(state.lastOriginalPostAt) },
      ]),
    );
  }
}
