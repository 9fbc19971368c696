/**
 * The inquiries' reminders (R8): each open inquiry's next reminder time, with what the rules read of it,
 * is kept in `inquiry_reminders`; the job (src/jobs/inquiry-reminder-job.ts, working hours only, claimed
 * once) reads the entries due — and not the inquiries, which the embedded database could only scan —
 * enqueues what is due (keys per inquiry, stage and promised date or day, so a second scheduler or a
 * repeated run sends nothing twice), and moves each entry to its next time. The admins get one list a
 * day of what is overdue in their scope, not one message per inquiry.
 */
import type { Types } from 'mongoose';
import type { OutboxEntry } from '../outbox/outbox-service';
import type { PersonSummary } from '../people/people-records';
import { civilDate } from '../shared/wall-clock';
import { unique } from '../shared/unique';
import { answeringOfficerIds, dueInquiryReminders, excerpt, replyWindowClosesAt } from './inquiry-rules';
import type { InquiryClock, InquiryPolicy } from './inquiry-rules';
import type { Inquiry } from './inquiry-model';
import { InquiryReminderModel } from './inquiry-reminder-model';
import type { InquiryReminder } from './inquiry-reminder-model';
import { answerSoonText, dueText, overdueDigestText, windowClosingText } from './inquiry-messages';
import type { InquiryHeading } from './inquiry-messages';
import type { InquiryAccount } from './inquiry-account';
import { unitAndAccountKey } from './inquiry-setting-rules';
import type { UnitAndAccount } from './inquiry-setting-rules';

type ReminderFields = Pick<
  Inquiry,
  | '_id'
  | 'code'
  | 'accountId'
  | 'unitId'
  | 'kind'
  | 'citizenId'
  | 'status'
  | 'source'
  | 'answerDueOn'
  | 'lastCitizenMessageAt'
  | 'repliesInWindow'
  | 'messages'
>;

/** The entry of an open inquiry, without its time. */
function reminderEntryOf(inquiry: ReminderFields, mask: (text: string) => string): Omit<InquiryReminder, 'nextAt'> {
  const lastIn = inquiry.messages.findLastIndex((message) => message.direction === 'in');
  return {
    _id: inquiry._id,
    code: inquiry.code,
    accountId: inquiry.accountId,
    unitId: inquiry.unitId,
    kind: inquiry.kind,
    source: inquiry.source,
    citizenId: inquiry.citizenId,
    answerDueOn: inquiry.answerDueOn,
    lastCitizenMessageAt: inquiry.lastCitizenMessageAt,
    repliesInWindow: inquiry.repliesInWindow,
    // An acknowledgement answers nobody: only an answer after the last message counts as a reply.
    repliedInWindow: inquiry.messages.slice(lastIn + 1).some((message) => message.purpose === 'answer'),
    excerpt: excerpt(mask(inquiry.messages.find((message) => message.direction === 'in')?.text ?? ''), 200),
  };
}

/** Keeps the inquiry's entry in step with it: its state and next reminder time while open, none once it ended. */
export async function scheduleReminders(
  inquiry: ReminderFields,
  clock: InquiryClock,
  policy: InquiryPolicy,
  now: Date,
  mask: (text: string) => string,
): Promise<void> {
  const entry = reminderEntryOf(inquiry, mask);
  const plan = inquiry.status === 'open' ? dueInquiryReminders(entry, now, clock, policy) : null;
  // A reminder due already and not sent yet: now (the job sends it on its next run in working hours).
  const at = plan && plan.due.length > 0 ? now : (plan?.nextAt ?? null);
  if (at) await InquiryReminderModel.replaceOne({ _id: inquiry._id }, { ...entry, nextAt: at }, { upsert: true });
  else await InquiryReminderModel.deleteOne({ _id: inquiry._id });
}

/** The follower's open inquiry at the account whose last message came at or after `since`, if any. */
export async function findJoinableInquiryId(
  accountId: string,
  citizenId: string,
  since: Date,
): Promise<Types.ObjectId | null> {
  const [entry] = await InquiryReminderModel.find(
    { accountId, citizenId, lastCitizenMessageAt: { $gte: since } },
    { _id: 1 },
  )
    .sort({ lastCitizenMessageAt: -1 })
    .limit(1)
    .lean<Pick<InquiryReminder, '_id'>[]>();
  return entry?._id ?? null;
}

/** An open inquiry as the 留言 list shows it. */
export type WaitingInquiry = Pick<InquiryReminder, '_id' | 'code' | 'kind' | 'answerDueOn' | 'excerpt'>;

/** The open inquiries the units answer, soonest promised date first (at most `limit`). */
export function openInquiriesOf(unitIds: string[], limit: number): Promise<WaitingInquiry[]> {
  return InquiryReminderModel.find({ unitId: { $in: unitIds } }, { code: 1, kind: 1, answerDueOn: 1, excerpt: 1 })
    .sort({ answerDueOn: 1 })
    .limit(limit)
    .lean<WaitingInquiry[]>();
}

export interface ReminderRunDependencies {
  timeZone: string;
  clocksFor(unitIds: string[]): Promise<Map<string, InquiryClock>>;
  /** Keyed by unitAndAccountKey. */
  policiesFor(pairs: UnitAndAccount[]): Promise<Map<string, InquiryPolicy>>;
  accounts: { findAccounts(ids: string[]): Promise<Map<string, InquiryAccount>> };
  people: {
    /** The active officers of each unit, in one read. */
    officersOfUnits(unitIds: string[]): Promise<Map<string, PersonSummary[]>>;
    /** The units' names, in one read. */
    unitNames(unitIds: string[]): Promise<Map<string, string>>;
    /** The active admins whose scope covers each unit. */
    adminsCovering(unitIds: string[]): Promise<Map<string, string[]>>;
  };
}

const readBatch = 1_000;

/** An entry's next reminder time after a run; null: nothing more to remind of. */
export interface ReminderMove {
  id: Types.ObjectId;
  nextAt: Date | null;
}

/** The reminders due at `now`, as outbox entries, with the entries moved on. Returns how many were enqueued. */
export async function collectInquiryReminders(
  now: Date,
  dependencies: ReminderRunDependencies,
): Promise<{ entries: OutboxEntry[]; moves: ReminderMove[] }> {
  const inquiries = await InquiryReminderModel.find({ nextAt: { $lte: now } })
    .sort({ nextAt: 1 })
    .batchSize(readBatch)
    .lean<InquiryReminder[]>();
  if (inquiries.length === 0) return { entries: [], moves: [] };
  const accounts = await dependencies.accounts.findAccounts(
    unique(inquiries.map((inquiry) => String(inquiry.accountId))),
  );
  // The clocks and policies of all units and accounts at once: a read of the unit tree each, not one per unit.
  const pairs = uniquePairs(
    inquiries.map((inquiry) => ({ unitId: String(inquiry.unitId), accountId: String(inquiry.accountId) })),
  );
  const [clocks, policies] = await Promise.all([
    dependencies.clocksFor([...new Set(pairs.map((pair) => pair.unitId))]),
    dependencies.policiesFor(pairs),
  ]);
  const plans = new Map(
    inquiries.map((inquiry) => {
      const unitId = String(inquiry.unitId);
      const policy = policies.get(unitAndAccountKey({ unitId, accountId: String(inquiry.accountId) })) as InquiryPolicy;
      const plan = dueInquiryReminders(inquiry, now, clocks.get(unitId) as InquiryClock, policy);
      return [String(inquiry._id), { ...plan, policy }] as const;
    }),
  );
  // The officers and names of the units with reminders due, read once each, not once per unit.
  const dueUnitIds = unique(
    inquiries.filter((inquiry) => plans.get(String(inquiry._id))?.due.length).map((inquiry) => String(inquiry.unitId)),
  );
  const [officers, unitNames] =
    dueUnitIds.length > 0
      ? await Promise.all([dependencies.people.officersOfUnits(dueUnitIds), dependencies.people.unitNames(dueUnitIds)])
      : [new Map<string, PersonSummary[]>(), new Map<string, string>()];
  const unitNameOf = (unitId: string) => unitNames.get(unitId) ?? '';
  const officersOf = (unitId: string, account: InquiryAccount | undefined) =>
    answeringOfficerIds(
      unitId,
      account ?? null,
      (officers.get(unitId) ?? []).map((person) => person.id),
    );

  const entries: OutboxEntry[] = [];
  const moves: ReminderMove[] = [];
  const overdue: { heading: InquiryHeading; unitId: string }[] = [];
  const today = civilDate(now, dependencies.timeZone);
  for (const inquiry of inquiries) {
    const { _id } = inquiry;
    const unitId = String(inquiry.unitId);
    const { due, nextAt, policy } = plans.get(String(_id)) as ReturnType<typeof dueInquiryReminders> & {
      policy: InquiryPolicy;
    };
    moves.push({ id: _id, nextAt });
    if (due.length === 0) continue;
    const account = accounts.get(String(inquiry.accountId));
    const heading: InquiryHeading = {
      code: inquiry.code,
      accountName: account?.name ?? '',
      kind: inquiry.kind,
      text: inquiry.excerpt,
      answerDueOn: inquiry.answerDueOn,
    };
    const keyOf = (key: string, personId: string) => `inquiry:${String(inquiry._id)}:${key}:${personId}`;
    for (const reminder of due) {
      switch (reminder.stage) {
        case 'answer-soon':
        case 'window-closing': {
          const closesAt = replyWindowClosesAt(inquiry, policy);
          const text =
            reminder.stage === 'answer-soon' || !closesAt
              ? answerSoonText(heading)
              : windowClosingText(heading, closesAt, dependencies.timeZone);
          for (const personId of officersOf(unitId, account)) {
            entries.push({ idempotencyKey: keyOf(reminder.key, personId), recipient: { personId }, text });
          }
          break;
        }
        case 'due': {
          const leaderId = account?.leaderInChargeId;
          if (leaderId) {
            entries.push({
              idempotencyKey: keyOf(reminder.key, leaderId),
              recipient: { personId: leaderId },
              text: dueText(heading, unitNameOf(unitId)),
            });
          }
          break;
        }
        case 'overdue':
          overdue.push({ heading, unitId });
          break;
      }
    }
  }
  if (overdue.length > 0) {
    const admins = await dependencies.people.adminsCovering(unique(overdue.map((item) => item.unitId)));
    const byAdmin = new Map<string, { heading: InquiryHeading; unitName: string }[]>();
    for (const item of overdue) {
      const unitName = unitNameOf(item.unitId);
      for (const adminId of admins.get(item.unitId) ?? []) {
        byAdmin.set(adminId, [...(byAdmin.get(adminId) ?? []), { heading: item.heading, unitName }]);
      }
    }
    for (const [adminId, items] of byAdmin) {
      entries.push({
        idempotencyKey: `inquiries-overdue:${today}:${adminId}`,
        recipient: { personId: adminId },
        text: overdueDigestText(items, today),
      });
    }
  }
  return { entries, moves };
}

function uniquePairs(pairs: UnitAndAccount[]): UnitAndAccount[] {
  return [...new Map(pairs.map((pair) => [unitAndAccountKey(pair), pair])).values()];
}

/**
 * Updates sent in one command. FerretDB v1 holds a pooled SQLite connection for each update of a command
 * until the command ends, so one of 150 updates waits forever (measured: 101 pass, 150 hang; see also
 * draft-storage-upgrade.ts). One update per id is also the fast way there: the same 2,854 entries moved
 * by `updateMany` with `$in` lists of ids, one per distinct time, took 80 s against 12.7 s.
 */
const updatesPerCommand = 50;

/** Moves the entries on: the ended ones deleted in one command, the others updated fifty to a command. */
export async function moveReminders(moves: ReminderMove[]): Promise<void> {
  const endedIds = moves.flatMap((move) => (move.nextAt ? [] : [move.id]));
  const updates = moves.flatMap(({ id, nextAt }) =>
    nextAt ? [{ updateOne: { filter: { _id: id }, update: { $set: { nextAt } } } }] : [],
  );
  if (endedIds.length > 0) await InquiryReminderModel.deleteMany({ _id: { $in: endedIds } });
  for (let start = 0; start < updates.length; start += updatesPerCommand) {
    await InquiryReminderModel.bulkWrite(updates.slice(start, start + updatesPerCommand), { ordered: false });
  }
}
