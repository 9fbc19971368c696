/**
 * Once a day the audit chain's head is signed, kept as a file, and sent to the admins, so the trail is
 * witnessed outside the database (R3).
 */
import type { AuditTrail } from '../audit/audit-service';
import { describeDigest } from '../audit/audit-chain-rules';
import type { Outbox } from '../outbox/outbox-service';
import type { PeopleService } from '../people/people-service';
import type { ScheduledJob } from './job-scheduler';

export interface AuditDigestJobDependencies {
  audit: AuditTrail;
  outbox: Outbox;
  people: PeopleService;
  digestKey: () => string;
  directory: string;
  timeZone: string;
}

export function auditDigestJob(dependencies: AuditDigestJobDependencies, cron = '0 8 * * *'): ScheduledJob {
  return {
    name: 'audit-digest',
    summary: '审计摘要签名存档并发给管理员',
    cron,
    // A server that was down at 08:00 (or a fresh install) still gets its witness the same day.
    catchUp: true,
    async run() {
      const { digest } = await dependencies.audit.createDigest({
        key: dependencies.digestKey(),
        directory: dependencies.directory,
        timeZone: dependencies.timeZone,
      });
      const admins = await dependencies.people.adminsOf();
      await dependencies.outbox.enqueue(
        admins.map((admin) => ({
          idempotencyKey: `audit-digest:${digest.date}:${digest.headSequence}:${admin.id}`,
          recipient: { personId: admin.id },
          text: describeDigest(digest),
        })),
      );
    },
  };
}
