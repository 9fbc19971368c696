/**
 * Every morning at 09:00 each active account is measured against its publishing baseline and the
 * 14-day veto (R6), and the warnings that became due go out (src/cadence/cadence-service.ts).
 */
import type { CadenceService } from '../cadence/cadence-service';
import type { ScheduledJob } from './job-scheduler';

export function cadenceCheckJob(dependencies: { cadence: CadenceService }, cron = '0 9 * * *'): ScheduledJob {
  return {
    name: 'cadence-check',
    summary: '检查各账号更新频率（满 14 天未更新单项否决）',
    cron,
    async run() {
      await dependencies.cadence.runDailyCheck();
    },
  };
}
