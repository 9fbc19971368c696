/**
 * The monthly 考核自查 message (R10): on the 1st, each 分管领导 is told, in one chat message, the status
 * and score of every account they are in charge of and the one thing to fix first. Keyed by month and
 * leader, so a repeated or caught-up run sends nothing twice.
 */
import type { OutboxEntry } from '../outbox/outbox-service';
import type { AccountService } from '../accounts/account-service';
import type { AccountReadiness } from './readiness-rules';
import type { ReadinessService } from './readiness-service';
import { renderLeaderMonthlyText } from './readiness-text';

export interface ReadinessMonthlyDependencies {
  readiness: Pick<ReadinessService, 'momentOf' | 'reportsForUnits' | 'table'>;
  outbox: { enqueue(entries: OutboxEntry[]): Promise<void> };
  accounts: Pick<AccountService, 'listRunningAccounts'>;
}

/**
 * Today's reports of every unit with a running account, grouped by leader in charge; one outbox entry
 * per leader, keyed `readiness:<YYYY-MM>:<personId>`. Returns how many leaders were written to.
 */
export async function sendMonthlyReadinessMessages(dependencies: ReadinessMonthlyDependencies): Promise<number> {
  const { readiness, outbox } = dependencies;
  const moment = readiness.momentOf();
  const unitIds = new Set<string>();
  for await (const account of dependencies.accounts.listRunningAccounts()) unitIds.add(String(account.unitId));
  const units = await readiness.reportsForUnits([...unitIds], moment);
  const byLeader = new Map<string, AccountReadiness[]>();
  for (const account of units.flatMap((unit) => unit.accounts)) {
    const leaderId = account.account.leaderInChargeId;
    if (!leaderId) continue;
    byLeader.set(leaderId, [...(byLeader.get(leaderId) ?? []), account]);
  }
  const month = moment.date.slice(0, 7);
  const heading = { date: moment.date, tableName: readiness.table.name };
  const entries: OutboxEntry[] = [...byLeader].map(([personId, accounts]) => ({
    idempotencyKey: `readiness:${month}:${personId}`,
    recipient: { personId },
    text: renderLeaderMonthlyText(accounts, heading),
  }));
  await outbox.enqueue(entries);
  return entries.length;
}
