/**
 * Every 20 seconds, completes the draft transitions a crash cut short between their audit event and
 * their state, so a draft does not wait for the next action on it: a transition's note turns stale
 * after 10 s, so the sweep completes it within about half a minute (issue 13: "within a minute").
 */
import type { Logger } from '../shared/logger';
import type { DraftService } from '../drafts/draft-service';
import type { ScheduledJob } from './job-scheduler';

export const draftTransitionSweepJobName = 'draft-transition-sweep';

export function draftTransitionSweepJob(
  dependencies: { drafts: DraftService; logger: Logger },
  cron = '*/20 * * * * *',
): ScheduledJob {
  return {
    name: draftTransitionSweepJobName,
    summary: '补完中断的审批',
    cron,
    frequent: true,
    async run() {
      const completed = await dependencies.drafts.completeInterruptedTransitions();
      if (completed > 0) dependencies.logger.warn({ completed }, 'draft transitions cut short by a crash completed');
    },
  };
}
