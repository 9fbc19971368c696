/**
 * The registry's daily reminders (R4): accounts not filed within the deadline (once per account), and
 * certifications expiring in 90, 30 and 7 days. Each is keyed by job, account, day and recipient.
 */
import type { OutboxEntry } from '../outbox/outbox-service';
import { addDays, civilDate, instantAt } from '../shared/wall-clock';
import type { PersonSummary } from '../people/people-service';
import { AccountModel } from './account-model';
import type { Account } from './account-model';
import { dueCertificationReminder } from './account-rules';
import { certificationReminderText, filingOverdueText } from './account-messages';
import type { RegistryPeople } from './account-queries';
import { unique } from '../shared/unique';

/**
 * The registry's daily reminders for `today` (a calendar date): overdue filings (once per account)
 * and certification expiries (90, 30 and 7 days before). Keys are job + account + day + recipient, so
 * a repeated or concurrent run sends nothing twice, and a run after downtime sends what was missed.
 */
export async function collectRegistryReminders(
  today: string,
  dependencies: { people: Pick<RegistryPeople, 'adminsOf' | 'unitName'>; timeZone: string },
): Promise<OutboxEntry[]> {
  const { timeZone } = dependencies;
  const endOfToday = instantAt(addDays(today, 1), 0, timeZone);
  const entries: OutboxEntry[] = [];
  const overdue = await AccountModel.find({
    status: 'active',
    filedAt: null,
    filingDueAt: { $lte: endOfToday },
  }).lean<Account[]>();
  const adminsByUnit = new Map<string, Promise<PersonSummary[]>>();
  for (const account of overdue) {
    const dueAt = account.filingDueAt as Date;
    const lastDay = addDays(civilDate(dueAt, timeZone), -1);
    if (lastDay >= today) continue;
    const unitId = String(account.unitId);
    const unitName = await dependencies.people.unitName(unitId);
    if (!adminsByUnit.has(unitId)) adminsByUnit.set(unitId, dependencies.people.adminsOf(unitId));
    const admins = (await adminsByUnit.get(unitId)) ?? [];
    const recipients = unique([String(account.leaderInChargeId), ...admins.map((admin) => admin.id)]);
    entries.push(
      ...recipients.map((personId) => ({
        idempotencyKey: `filing-overdue:${String(account._id)}:${lastDay}:${personId}`,
        recipient: { personId },
        text: filingOverdueText(account, unitName, lastDay),
      })),
    );
  }
  const horizon = instantAt(addDays(today, 91), 0, timeZone);
  const expiring = await AccountModel.find({
    status: 'active',
    'certification.expiresAt': { $gt: endOfToday, $lte: horizon },
  }).lean<Account[]>();
  for (const account of expiring) {
    const expiresOn = civilDate(account.certification.expiresAt as Date, timeZone);
    const due = dueCertificationReminder(expiresOn, today, addDays);
    if (!due) continue;
    const recipients = unique([String(account.backendAdminId), String(account.leaderInChargeId)]);
    entries.push(
      ...recipients.map((personId) => ({
        idempotencyKey: `certification-expiry:${String(account._id)}:${due.day}:${personId}`,
        recipient: { personId },
        text: certificationReminderText(account, expiresOn, due.daysBefore),
      })),
    );
  }
  return entries;
}
