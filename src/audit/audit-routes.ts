/** /api/v1/audit (admins): events by subject, chain verification, the latest signed digests. */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import { NotFoundError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { decodeCursor, encodeCursor } from '../shared/page-cursor';
import {
  auditDigestListSchema,
  auditEventPageSchema,
  auditEventsQuerySchema,
  auditVerifyRequestSchema,
  auditVerifyResponseSchema,
} from '../shared/contracts/audit';
import type { AuditDigestView } from '../shared/contracts/audit';
import type { PersonName } from '../drafts/draft-service-types';
import { findEventsBySubject } from './audit-queries';
import type { VerifyReport } from './audit-service';
import type { AuditVisibility } from './audit-visibility';

export interface AuditRouteDependencies {
  clock: Clock;
  findPeople(ids: string[]): Promise<Map<string, PersonName>>;
  /** Whether an admin may see the events about a subject (audit-visibility-rules). */
  visibility: Pick<AuditVisibility, 'subjectVisible'>;
  verify(): Promise<VerifyReport>;
  latestDigests(): AuditDigestView[];
}

export function auditRoutes(dependencies: AuditRouteDependencies): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit/events',
      summary:
        '某对象（稿件、账号、人员、单位……）的审计事件，按序号分页；仅限管理范围内的对象，全组织的对象仅限最上级单位的管理员',
      tag: 'audit',
      access: 'admin',
      query: auditEventsQuerySchema,
      response: auditEventPageSchema,
      handle: async (ctx, { query }) => {
        const subject = { type: query.subjectType, id: query.subjectId };
        if (!(await dependencies.visibility.subjectVisible(ctx.state.viewer.scope, subject))) {
          throw new NotFoundError('AUDIT_SUBJECT_NOT_FOUND', '找不到该对象，或不在您的管理范围内');
        }
        const [after] = query.cursor ? decodeCursor(query.cursor, 1) : [0];
        const found = await findEventsBySubject(subject, { afterSequence: Number(after) || 0, limit: query.limit + 1 });
        const events = found.slice(0, query.limit);
        const people = await dependencies.findPeople(
          events.flatMap((event) => [event.actor.personId, event.actor.onBehalfOfId].filter(Boolean).map(String)),
        );
        const person = (id: unknown) => (id ? { id: String(id), name: people.get(String(id))?.name ?? '' } : null);
        const last = events.at(-1);
        return {
          body: {
            items: events.map((event) => ({
              sequence: event._id,
              at: event.at.toISOString(),
              action: event.action,
              actor: person(event.actor.personId),
              onBehalfOf: person(event.actor.onBehalfOfId),
              via: event.actor.via,
              subject: event.subject,
              subjectVersion: event.subjectVersion,
              contentHash: event.contentHash,
              reason: event.reason,
              details: event.details,
              hash: event.hash,
            })),
            nextCursor: found.length > query.limit && last ? encodeCursor([last._id]) : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/audit/verify',
      summary: '校验整条审计链（含最新签名摘要），返回是否完整或第一个断开的位置',
      tag: 'audit',
      access: 'admin',
      body: auditVerifyRequestSchema,
      response: auditVerifyResponseSchema,
      handle: async () => {
        const report = await dependencies.verify();
        const checkedAt = dependencies.clock.now().toISOString();
        return {
          body: report.ok
            ? {
                ok: true,
                count: report.count,
                head: report.head,
                digestsChecked: report.digestsChecked,
                problem: null,
                brokenAtSequence: null,
                checkedAt,
              }
            : {
                ok: false,
                count: report.count,
                head: null,
                digestsChecked: 0,
                problem: report.problem,
                brokenAtSequence: report.sequence,
                checkedAt,
              },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/digests',
      summary: '最近的签名审计摘要',
      tag: 'audit',
      access: 'admin',
      response: auditDigestListSchema,
      handle: async () => ({ body: { items: dependencies.latestDigests() } }),
    }),
  ];
}
