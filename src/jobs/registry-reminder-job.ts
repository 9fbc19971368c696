/**
 * Every day at 09:00 the account registry's reminders (R4): accounts not filed within the deadline, and
 * certifications expiring in 90, 30 and 7 days. Caught up at start; idempotent by its outbox keys.
 */
import type { Logger } from '../shared/logger';
import { civilDate } from '../shared/wall-clock';
import type { AccountService } from '../accounts/account-service';
import type { ScheduledJob } from './job-scheduler';

export function registryReminderJob(
  dependencies: { accounts: Pick<AccountService, 'sendRegistryReminders'>; timeZone: string; logger: Logger },
  cron = '0 9 * * *',
): ScheduledJob {
  return {
    name: 'registry-reminders',
    summary: '备案期限与认证到期提醒',
    cron,
    catchUp: true,
    async run(scheduledFor) {
      const today = civilDate(scheduledFor, dependencies.timeZone);
      const enqueued = await dependencies.accounts.sendRegistryReminders(today);
      dependencies.logger.info({ today, enqueued }, 'registry reminders enqueued');
    },
  };
}
