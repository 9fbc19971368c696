/**
 * Reading drafts for the API, within what the viewer may see (draft-access-rules): the list with
 * filters and keyset pagination by last change (from the drafts' listings), one draft, its timeline of
 * audit events and the difference between two versions (each from the draft, read by `_id`). A draft
 * outside the viewer's scope is "not found", like a missing one, so the API never reveals that it exists.
 */
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { decodeCursor, encodeCursor } from '../shared/page-cursor';
import { parseTimeBound } from '../shared/time-bounds';
import type { Viewer, ViewerScope } from '../people/viewer-scope';
import { findEventsBySubject } from '../audit/audit-queries';
import type { DraftListQuery, DiffSegment } from '../shared/contracts/drafts';
import { DraftModel } from './draft-model';
import type { Draft, DraftTimelineEntry } from './draft-model';
import { DraftListingModel } from './draft-listing-model';
import { draftListings } from './draft-listing-cache';
import type { DraftListing } from './draft-listing-model';
import { draftScopeConditions, draftVisibleTo } from './draft-access-rules';
import type { DraftAccessFacts, DraftScopeCondition } from './draft-access-rules';
import { normalizeShortCode, shortCodePattern } from './draft-content-rules';
import { diffWords } from './draft-diff-rules';
import { mayHavePlatformRecords, mergedTimeline, timelineEntryOf } from './draft-listing-rules';
import { newestDraftIdWithCode } from './draft-store';
import type { DraftPeople, DraftRecord, PersonName } from './draft-service-types';

export interface DraftQueriesDependencies {
  people: Pick<DraftPeople, 'findPeople' | 'unitName'>;
  timeZone: string;
  /**
   * The draft's events kept by records of other features (its publications, the sweep's findings):
   * they go into the draft's trail, but are written with those records, not with the draft.
   */
  eventsKeptElsewhere?: (draftId: string) => Promise<DraftTimelineEntry[]>;
}

export interface DraftListResult {
  drafts: DraftListing[];
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
    if (query.approverId) conditions.push({ approverIds: toId(query.approverId) });
    if (query.from) conditions.push({ createdAt: { $gte: parseTimeBound(query.from, this.dependencies.timeZone) } });
    if (query.to) {
      conditions.push({ createdAt: { $lt: parseTimeBound(query.to, this.dependencies.timeZone, { endOfDay: true }) } });
    }
    if (query.q) conditions.push({ titles: { $regex: escapeRegExp(query.q) } });
    if (query.cursor) {
      const [updatedAt, id] = decodeCursor(query.cursor, 2);
      const at = new Date(updatedAt);
      if (typeof id !== 'string' || !isObjectIdText(id) || Number.isNaN(at.getTime())) {
        throw new ValidationError('CURSOR_INVALID', '分页游标无效，请从第一页重新加载');
      }
      conditions.push({ $or: [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: toId(id) } }] });
    }
    const found = await draftListings.find({ $and: conditions }, { updatedAt: -1, _id: -1 }, limit + 1);
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

  /**
   * The draft's audit events, oldest first, with the people they name: the draft's own timeline, kept
   * with it (for a draft the upgrade has not reached yet, draft-storage-upgrade.ts, read from the
   * trail), and the events other records keep for it.
   */
  async timeline(
    viewer: Viewer,
    reference: string,
  ): Promise<{ draft: Draft; events: DraftTimelineEntry[]; people: Map<string, PersonName> }> {
    const draft = await this.loadVisible(viewer, reference, timelineFields);
    const [kept, elsewhere] = await Promise.all([
      draft.timeline ?? draftEventsInTrail(String(draft._id)),
      // A draft not yet upgraded reads its whole trail, publications' events included.
      draft.timeline && mayHavePlatformRecords(draft.timeline)
        ? (this.dependencies.eventsKeptElsewhere?.(String(draft._id)) ?? [])
        : [],
    ]);
    const events = mergedTimeline(kept, elsewhere);
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
   * Of a few drafts, those the viewer may see (the audit trail's visibility). Their listings are read
   * by _id one by one: the embedded database serves only an equal _id from its index, not a list of them.
   */
  async visibleDrafts(scope: ViewerScope, ids: string[]): Promise<Set<string>> {
    const listings = await Promise.all(
      [...new Set(ids)]
        .filter(isObjectIdText)
        .map((id) => DraftListingModel.findById(id, listingAccessFields).lean<DraftListing>()),
    );
    return new Set(
      listings
        .filter(isPresent)
        .flatMap((listing) => (draftVisibleTo(scope, listingAccessFacts(listing)) ? [String(listing._id)] : [])),
    );
  }

  /** Every draft the viewer may see created before `until`, in one query (for a whole audit export). */
  async visibleDraftsBefore(scope: ViewerScope, until: Date): Promise<Set<string>> {
    const ids = new Set<string>();
    const cursor = DraftListingModel.find(listingsCreatedInScope(scope, { until }), { _id: 1 })
      .lean<DraftListing[]>()
      .cursor({ batchSize: 1000 });
    for await (const listing of cursor as AsyncIterable<DraftListing>) ids.add(String(listing._id));
    return ids;
  }

  /** The draft by id, or the newest with a short code, if the viewer may see it; `fields` to read only those. */
  private async loadVisible(viewer: Viewer, reference: string, fields?: Record<string, 1>): Promise<Draft> {
    const value = reference.trim();
    let id: string | Types.ObjectId | null;
    if (isObjectIdText(value)) id = value;
    else if (shortCodePattern.test(normalizeShortCode(value)))
      id = await newestDraftIdWithCode(normalizeShortCode(value));
    else throw new ValidationError('DRAFT_REFERENCE_INVALID', `“${value.slice(0, 40)}”不是稿件编号或 ID`);
    const draft = id ? await DraftModel.findById(id, fields).lean<Draft>() : null;
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

/** Where a draft's listing and the draft itself keep each fact a viewer's scope is decided on. */
const listingPaths: Record<DraftScopeCondition['field'], string> = {
  submitterId: 'submitterId',
  unitId: 'unitId',
  accountId: 'accountId',
  approverIds: 'approverIds',
  backupApproverIds: 'backupApproverIds',
};
const draftPaths: Record<DraftScopeCondition['field'], string> = {
  ...listingPaths,
  approverIds: 'steps.approverIds',
  backupApproverIds: 'steps.backupApproverIds',
};

/**
 * The listings a viewer may see, as a filter (draft-access-rules as a query: each alternative served
 * by its own index).
 */
export function inScope(scope: ViewerScope, paths = listingPaths): Record<string, unknown> {
  return {
    $or: draftScopeConditions(scope).map(({ field, ids }) => ({ [paths[field]]: { $in: ids.map(toId) } })),
  };
}

/** The listings a viewer may see of drafts created in [from, until): the audit export's query. */
export function listingsCreatedInScope(
  scope: ViewerScope,
  created: { from?: Date; until: Date },
  paths = listingPaths,
): Record<string, unknown> {
  const createdAt = created.from ? { $gte: created.from, $lt: created.until } : { $lt: created.until };
  return { $and: [inScope(scope, paths), { createdAt }] };
}

/** The drafts a viewer may see created in [from, until): the drafts export's query, on the drafts themselves. */
export function draftsCreatedInScope(
  scope: ViewerScope,
  created: { from: Date; until: Date },
): Record<string, unknown> {
  return listingsCreatedInScope(scope, created, draftPaths);
}

const listingAccessFields = { unitId: 1, accountId: 1, submitterId: 1, approverIds: 1, backupApproverIds: 1 } as const;

/** What the timeline reads of a draft: whether the viewer may see it, and its events. */
export const timelineFields = {
  shortCode: 1,
  unitId: 1,
  accountId: 1,
  submitterId: 1,
  'steps.approverIds': 1,
  'steps.backupApproverIds': 1,
  timeline: 1,
} as const;

/** A draft's events read from the trail by subject: a scan on the embedded database, until the upgrade. */
async function draftEventsInTrail(draftId: string): Promise<DraftTimelineEntry[]> {
  const entries: DraftTimelineEntry[] = [];
  // A draft's history is short, but read it in pages so a long one stays bounded per query.
  for (let afterSequence = 0; ;) {
    const page = await findEventsBySubject({ type: 'draft', id: draftId }, { afterSequence, limit: 500 });
    entries.push(...page.map(timelineEntryOf));
    if (page.length < 500) return entries;
    afterSequence = page[page.length - 1]._id;
  }
}

function listingAccessFacts(listing: DraftListing): DraftAccessFacts {
  return {
    unitId: String(listing.unitId),
    accountId: listing.accountId ? String(listing.accountId) : null,
    submitterId: String(listing.submitterId),
    routePersonIds: [...listing.approverIds, ...listing.backupApproverIds].map(String),
  };
}

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
