/**
 * Reading drafts for the API, within what the viewer may see (draft-access-rules): the list with
 * filters and keyset pagination by last change, one draft, its timeline of audit events and the
 * difference between two versions. A draft outside the viewer's scope is "not found", like a missing
 * one, so the API never reveals that it exists.
 */
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { decodeCursor, encodeCursor } from '../shared/page-cursor';
import { parseTimeBound } from '../shared/time-bounds';
import type { Viewer, ViewerScope } from '../people/viewer-scope';
import { findEventsBySubject } from '../audit/audit-queries';
import type { AuditEvent } from '../audit/audit-event-model';
import type { DraftListQuery, DiffSegment } from '../shared/contracts/drafts';
import { DraftModel } from './draft-model';
import type { Draft } from './draft-model';
import { draftScopeConditions, draftVisibleTo } from './draft-access-rules';
import type { DraftAccessFacts } from './draft-access-rules';
import { normalizeShortCode, shortCodePattern } from './draft-content-rules';
import { diffWords } from './draft-diff-rules';
import type { DraftPeople, DraftRecord, PersonName } from './draft-service-types';

export interface DraftQueriesDependencies {
  people: Pick<DraftPeople, 'findPeople' | 'unitName'>;
  timeZone: string;
}

export interface DraftListResult {
  drafts: Draft[];
  people: Map<string, PersonName>;
  unitNames: Map<string, string>;
  nextCursor: string | null;
}

export class DraftQueries {
  constructor(private readonly dependencies: DraftQueriesDependencies) {}

  /** The viewer's drafts, newest change first; `cursor` continues after the last draft of a page. */
  async list(
    viewer: Viewer,
    query: Required<Pick<DraftListQuery, 'limit'>> & DraftListQuery,
  ): Promise<DraftListResult> {
    const limit = Number(query.limit);
    const conditions: Record<string, unknown>[] = [inScope(viewer.scope)];
    if (query.status) conditions.push({ status: query.status });
    if (query.unitId) conditions.push({ unitId: toId(query.unitId) });
    if (query.accountId) conditions.push({ accountId: toId(query.accountId) });
    if (query.submitterId) conditions.push({ submitterId: toId(query.submitterId) });
    if (query.approverId) conditions.push({ 'steps.approverIds': toId(query.approverId) });
    if (query.from) conditions.push({ createdAt: { $gte: parseTimeBound(query.from, this.dependencies.timeZone) } });
    if (query.to) {
      conditions.push({ createdAt: { $lt: parseTimeBound(query.to, this.dependencies.timeZone, { endOfDay: true }) } });
    }
    if (query.q) conditions.push({ 'versions.title': { $regex: escapeRegExp(query.q) } });
    if (query.cursor) {
      const [updatedAt, id] = decodeCursor(query.cursor, 2);
      const at = new Date(updatedAt);
      if (typeof id !== 'string' || !isObjectIdText(id) || Number.isNaN(at.getTime())) {
        throw new ValidationError('CURSOR_INVALID', '分页游标无效，请从第一页重新加载');
      }
      conditions.push({ $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: toId(id) } }] });
    }
    const found = await DraftModel.find({ $and: conditions })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<Draft[]>();
    const drafts = found.slice(0, limit);
    const last = drafts[drafts.length - 1];
    const nextCursor =
      found.length > limit && last ? encodeCursor([last.updatedAt.toISOString(), String(last._id)]) : null;
    const [people, unitNames] = await Promise.all([
      this.dependencies.people.findPeople(drafts.flatMap((draft) => [draft.submitterId, ...draft.pendingApproverIds])),
      this.unitNames(drafts.map((draft) => String(draft.unitId))),
    ]);
    return { drafts, people, unitNames, nextCursor };
  }

  /** One draft the viewer may see, by id or short code; DRAFT_NOT_FOUND otherwise. */
  async findVisible(viewer: Viewer, reference: string): Promise<DraftRecord> {
    const draft = await this.loadVisible(viewer, reference);
    const ids = [
      draft.submitterId,
      ...draft.versions.map((version) => version.createdById),
      ...draft.steps.flatMap((step) => [
        ...step.approverIds,
        ...step.backupApproverIds,
        ...step.decisions.flatMap((decision) =>
          decision.onBehalfOfId ? [decision.approverId, decision.onBehalfOfId] : [decision.approverId],
        ),
      ]),
    ];
    const [people, unitName] = await Promise.all([
      this.dependencies.people.findPeople(ids),
      this.dependencies.people.unitName(String(draft.unitId)),
    ]);
    return { draft, people, unitName };
  }

  /** The draft's audit events, oldest first, with the people they name. */
  async timeline(
    viewer: Viewer,
    reference: string,
  ): Promise<{ draft: Draft; events: AuditEvent[]; people: Map<string, PersonName> }> {
    const draft = await this.loadVisible(viewer, reference);
    const events: AuditEvent[] = [];
    // A draft's history is short, but read it in pages so a long one stays bounded per query.
    for (let page = await this.eventsAfter(draft, 0); ; page = await this.eventsAfter(draft, events.at(-1)?._id ?? 0)) {
      events.push(...page);
      if (page.length < 500) break;
    }
    const people = await this.dependencies.people.findPeople(
      events.flatMap((event) => [event.actor.personId, event.actor.onBehalfOfId].filter(isPresent)),
    );
    return { draft, events, people };
  }

  /** Word-level difference between two versions of a draft. */
  async diff(
    viewer: Viewer,
    reference: string,
    fromNumber: number,
    toNumber: number,
  ): Promise<{
    from: Draft['versions'][number];
    to: Draft['versions'][number];
    title: DiffSegment[];
    body: DiffSegment[];
  }> {
    const draft = await this.loadVisible(viewer, reference);
    const version = (number: number) => {
      const found = draft.versions.find((candidate) => candidate.number === number);
      if (!found) {
        throw new NotFoundError(
          'DRAFT_VERSION_NOT_FOUND',
          `稿件 #${draft.shortCode} 没有第${number}版（共 ${draft.versions.length} 版）`,
        );
      }
      return found;
    };
    const from = version(fromNumber);
    const to = version(toNumber);
    return { from, to, title: diffWords(from.title, to.title), body: diffWords(from.body, to.body) };
  }

  /**
   * Of a few drafts, those the viewer may see (the audit trail's visibility). Read by _id one by one:
   * the embedded database serves only an equal _id from its index, not a list of them.
   */
  async visibleDrafts(scope: ViewerScope, ids: string[]): Promise<Set<string>> {
    const drafts = await Promise.all(
      [...new Set(ids)].filter(isObjectIdText).map((id) => DraftModel.findById(id, accessFactFields).lean<Draft>()),
    );
    return new Set(
      drafts
        .filter(isPresent)
        .flatMap((draft) => (draftVisibleTo(scope, accessFacts(draft)) ? [String(draft._id)] : [])),
    );
  }

  /** Every draft the viewer may see created before `until`, in one query (for a whole audit export). */
  async visibleDraftsBefore(scope: ViewerScope, until: Date): Promise<Set<string>> {
    const ids = new Set<string>();
    const cursor = DraftModel.find(draftsCreatedInScope(scope, { until }), { _id: 1 })
      .lean<Draft[]>()
      .cursor({ batchSize: 1000 });
    for await (const draft of cursor as AsyncIterable<Draft>) ids.add(String(draft._id));
    return ids;
  }

  private eventsAfter(draft: Draft, afterSequence: number): Promise<AuditEvent[]> {
    return findEventsBySubject({ type: 'draft', id: String(draft._id) }, { afterSequence, limit: 500 });
  }

  private async loadVisible(viewer: Viewer, reference: string): Promise<Draft> {
    const value = reference.trim();
    let draft: Draft | null;
    if (isObjectIdText(value)) {
      draft = await DraftModel.findById(value).lean<Draft>();
    } else if (shortCodePattern.test(normalizeShortCode(value))) {
      // The newest draft with the code: the open one holding it, else the last that had it.
      const found = await DraftModel.find({ shortCode: normalizeShortCode(value) })
        .sort({ createdAt: -1 })
        .limit(1)
        .lean<Draft[]>();
      draft = found[0] ?? null;
    } else {
      throw new ValidationError('DRAFT_REFERENCE_INVALID', `“${value.slice(0, 40)}”不是稿件编号或 ID`);
    }
    if (!draft || !draftVisibleTo(viewer.scope, accessFacts(draft))) {
      throw new NotFoundError('DRAFT_NOT_FOUND', `找不到稿件 ${value.slice(0, 40)}，或您无权查看`);
    }
    return draft;
  }

  private async unitNames(unitIds: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(unitIds)];
    const names = await Promise.all(unique.map((id) => this.dependencies.people.unitName(id)));
    return new Map(unique.map((id, index) => [id, names[index]]));
  }
}

/** The drafts a viewer may see (draft-access-rules as a query: each alternative served by its own index). */
/** The drafts a viewer may see, as a filter (see draft-access-rules). */
export function inScope(scope: ViewerScope): Record<string, unknown> {
  return { $or: draftScopeConditions(scope).map(({ field, ids }) => ({ [field]: { $in: ids.map(toId) } })) };
}

/** The drafts a viewer may see created in [from, until): the drafts export's and the audit export's query. */
export function draftsCreatedInScope(
  scope: ViewerScope,
  created: { from?: Date; until: Date },
): Record<string, unknown> {
  const createdAt = created.from ? { $gte: created.from, $lt: created.until } : { $lt: created.until };
  return { $and: [inScope(scope), { createdAt }] };
}

const accessFactFields = {
  unitId: 1,
  accountId: 1,
  submitterId: 1,
  'steps.approverIds': 1,
  'steps.backupApproverIds': 1,
};

export function accessFacts(draft: Draft): DraftAccessFacts {
  return {
    unitId: String(draft.unitId),
    accountId: draft.accountId ? String(draft.accountId) : null,
    submitterId: String(draft.submitterId),
    routePersonIds: draft.steps.flatMap((step) => [...step.approverIds, ...step.backupApproverIds].map(String)),
  };
}

function toId(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPresent<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}
