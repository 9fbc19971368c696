/**
 * Every morning the calendar checks that the holiday package knows the years it needs (the current
 * one, and from December the next). When one is missing it says so in the log and once a day to the
 * admins, instead of silently treating every weekday of that year as a workday.
 */
import type { Logger } from '../shared/logger';
import type { CalendarService } from '../cadence/calendar-service';
import type { Outbox } from '../outbox/outbox-service';
import type { ScheduledJob } from './job-scheduler';

export interface CalendarCheckJobDependencies {
  calendar: CalendarService;
  outbox: Pick<Outbox, 'enqueue'>;
  people: { adminsOf(): Promise<{ id: string }[]> };
  logger: Logger;
}

export function calendarCheckJob(dependencies: CalendarCheckJobDependencies, cron = '30 8 * * *'): ScheduledJob {
  return {
    name: 'calendar-check',
    summary: '检查节假日数据是否缺少要用的年份',
    cron,
    async run() {
      const status = await dependencies.calendar.status();
      if (status.missingYears.length === 0) return;
      dependencies.logger.warn(
        { missingYears: status.missingYears, overrides: status.overridesInMissingYears },
        'holiday calendar has no data for a needed year; upgrade chinese-days or set local overrides',
      );
      const admins = await dependencies.people.adminsOf();
      await dependencies.outbox.enqueue(
        admins.map((admin) => ({
          idempotencyKey: `calendar-missing:${status.missingYears.join('-')}:${status.today}:${admin.id}`,
          recipient: { personId: admin.id },
          text: status.message,
        })),
      );
    },
  };
}
