/**
 * Every 15 minutes the inquiries' reminders (R8), sent within working hours only: the officers a working
 * day before the promised date and before a reply window closes, the leader in charge when a promise is
 * broken, the admins once a working day while any is overdue. Caught up at start; idempotent by its keys.
 */
import type { Logger } from '../shared/logger';
import type { InquiryService } from '../inquiries/inquiry-service';
import type { ScheduledJob } from './job-scheduler';

export const inquiryReminderJobName = 'inquiry-reminders';

export function inquiryReminderJob(
  dependencies: { inquiries: Pick<InquiryService, 'sendReminders'>; logger: Logger },
  cron = '*/15 * * * *',
): ScheduledJob {
  return {
    name: inquiryReminderJobName,
    summary: '留言答复期限、回复窗口与逾期提醒（工作时间内发送）',
    cron,
    catchUp: true,
    frequent: true,
    async run(scheduledFor) {
      const enqueued = await dependencies.inquiries.sendReminders(scheduledFor);
      if (enqueued > 0) dependencies.logger.info({ enqueued }, 'inquiry reminders enqueued');
    },
  };
}
