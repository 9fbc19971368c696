/**
 * /api/v1/drafts: the list (filters, cursor by last change), the detail (versions with their content
 * hash and pre-check findings, approval steps and decisions, publication), the difference between two
 * versions and the draft's timeline of audit events. Each within what the viewer may see.
 */
import { defineRoute } from '../shared/route-kit';
import type { ApiRoute } from '../shared/route-kit';
import {
  draftDetailSchema,
  draftDiffQuerySchema,
  draftDiffSchema,
  draftListPageSchema,
  draftListQuerySchema,
  draftReferenceParamsSchema,
  draftTimelineSchema,
} from '../shared/contracts/drafts';
import type {
  DraftDetail,
  DraftListItem,
  PersonReference,
  PublicationCheckView,
  TimelineEvent,
} from '../shared/contracts';
import type { DraftRecord, PersonName } from './draft-service-types';
import type { Draft, DraftTimelineEntry } from './draft-model';
import type { DraftListing } from './draft-listing-model';
import type { DraftQueries } from './draft-queries';
import { statusWord } from './draft-messages';
import { actionWord } from './draft-action-words';
import { mayHavePlatformRecords } from './draft-listing-rules';

/** What the detail shows from other features, through ports. */
export interface DraftDetailExtras {
  /** 发布核验 (R10): the draft's publication through its platform and its verification; null when none. */
  publicationCheck?(draft: {
    id: string;
    versions: { number: number; contentHash: string }[];
  }): Promise<PublicationCheckView | null>;
}

export function draftRoutes(queries: DraftQueries, extras: DraftDetailExtras = {}): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/drafts',
      summary: '稿件列表：按最后变更时间倒序，游标分页',
      tag: 'drafts',
      access: 'signed-in',
      query: draftListQuerySchema,
      response: draftListPageSchema,
      links: [
        { to: 'get /drafts/{reference}', parameters: { reference: '$response.body#/items/0/id' } },
        { to: 'get /drafts/{reference}/diff', parameters: { reference: '$response.body#/items/0/id' } },
        { to: 'get /drafts/{reference}/timeline', parameters: { reference: '$response.body#/items/0/id' } },
      ],
      handle: async (ctx, { query }) => {
        const page = await queries.list(ctx.state.viewer, query);
        const person = personOf(page.people);
        return {
          body: {
            items: page.drafts.map((draft) =>
              toListItem(draft, person, page.unitNames.get(String(draft.unitId)) ?? ''),
            ),
            nextCursor: page.nextCursor,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/drafts/{reference}',
      summary: '稿件详情：各版本、预审发现、审核步骤与决定、发布情况与发布核验',
      tag: 'drafts',
      access: 'signed-in',
      params: draftReferenceParamsSchema,
      response: draftDetailSchema,
      handle: async (ctx, { params }) => {
        const record = await queries.findVisible(ctx.state.viewer, params.reference);
        const check =
          extras.publicationCheck && mayHavePlatformRecords(record.draft.timeline)
            ? await extras.publicationCheck({ id: String(record.draft._id), versions: record.draft.versions })
            : null;
        return { body: toDraftDetail(record, check) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/drafts/{reference}/diff',
      summary: '两个版本之间的改动（按词比较）',
      tag: 'drafts',
      access: 'signed-in',
      params: draftReferenceParamsSchema,
      query: draftDiffQuerySchema,
      response: draftDiffSchema,
      handle: async (ctx, { params, query }) => {
        const diff = await queries.diff(ctx.state.viewer, params.reference, query.from, query.to);
        const side = (version: Draft['versions'][number]) => ({
          number: version.number,
          title: version.title,
          contentHash: version.contentHash,
        });
        return { body: { from: side(diff.from), to: side(diff.to), title: diff.title, body: diff.body } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/drafts/{reference}/timeline',
      summary: '稿件的审计时间线：谁、代谁、何时、做了什么、哪个版本、理由',
      tag: 'drafts',
      access: 'signed-in',
      params: draftReferenceParamsSchema,
      response: draftTimelineSchema,
      handle: async (ctx, { params }) => {
        const { draft, events, people } = await queries.timeline(ctx.state.viewer, params.reference);
        const person = personOf(people);
        return {
          body: {
            draftId: String(draft._id),
            code: draft.shortCode,
            events: events.map((event) => toTimelineEvent(event, person)),
          },
        };
      },
    }),
  ];
}

type PersonLookup = (id: unknown) => PersonReference;

function personOf(people: Map<string, PersonName>): PersonLookup {
  return (id) => ({ id: String(id), name: people.get(String(id))?.name ?? '' });
}

function toListItem(listing: DraftListing, person: PersonLookup, unitName: string): DraftListItem {
  return {
    id: String(listing._id),
    code: listing.shortCode,
    title: listing.title,
    status: listing.status,
    statusText: statusWord(listing.status),
    unit: { id: String(listing.unitId), name: unitName },
    accountId: listing.accountId ? String(listing.accountId) : null,
    submitter: person(listing.submitterId),
    currentVersion: listing.currentVersion,
    currentStep: listing.status === 'in_review' ? listing.currentStepIndex + 1 : null,
    stepCount: listing.stepCount,
    pendingApprovers: listing.status === 'in_review' ? listing.pendingApproverIds.map(person) : [],
    createdAt: listing.createdAt.toISOString(),
    updatedAt: listing.updatedAt.toISOString(),
  };
}

function toTimelineEvent(event: DraftTimelineEntry, person: PersonLookup): TimelineEvent {
  return {
    sequence: event.sequence,
    at: event.at.toISOString(),
    action: event.action,
    actionText: actionWord(event.action, event.details),
    actor: event.actor.personId ? person(event.actor.personId) : null,
    onBehalfOf: event.actor.onBehalfOfId ? person(event.actor.onBehalfOfId) : null,
    via: event.actor.via,
    versionNumber: event.subjectVersion,
    contentHash: event.contentHash,
    reason: event.reason,
  };
}

function toDraftDetail(
  { draft, people, unitName }: DraftRecord,
  publicationCheck: PublicationCheckView | null,
): DraftDetail {
  const person = personOf(people);
  return {
    id: String(draft._id),
    code: draft.shortCode,
    status: draft.status,
    statusText: statusWord(draft.status),
    unit: { id: String(draft.unitId), name: unitName },
    submitter: person(draft.submitterId),
    currentVersion: draft.currentVersion,
    currentStep: draft.status === 'in_review' ? draft.currentStepIndex + 1 : null,
    steps: draft.steps.map((step) => ({
      mode: step.mode,
      status: step.status,
      approvers: step.approverIds.map(person),
      backupApprovers: step.backupApproverIds.map(person),
      decisions: step.decisions.map((decision) => ({
        approver: person(decision.approverId),
        onBehalfOf: decision.onBehalfOfId ? person(decision.onBehalfOfId) : null,
        decision: decision.decision,
        comment: decision.comment,
        versionNumber: decision.versionNumber,
        contentHash: decision.contentHash,
        decidedAt: decision.decidedAt.toISOString(),
      })),
    })),
    versions: draft.versions.map((version) => ({
      number: version.number,
      title: version.title,
      body: version.body,
      sourceUrl: version.sourceUrl,
      reprint: version.reprint
        ? { source: version.reprint.source, originalTitle: version.reprint.originalTitle }
        : null,
      contentHash: version.contentHash,
      createdAt: version.createdAt.toISOString(),
      createdBy: person(version.createdById),
      attachments: version.attachments.map(({ name, mimeType, size, sha256 }) => ({ name, mimeType, size, sha256 })),
      findings: version.findings.map(({ rule, category, severity, field, start, end, excerpt, suggestion }) => ({
        rule,
        category,
        severity,
        field,
        start,
        end,
        excerpt,
        suggestion,
      })),
    })),
    publication: {
      url: draft.publication.url,
      publishedAt: draft.publication.publishedAt ? draft.publication.publishedAt.toISOString() : null,
    },
    publicationCheck,
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
  };
}
