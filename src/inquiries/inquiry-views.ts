/**
 * Reading inquiries for the API (R8): the list with filters and keyset pagination by receipt, one
 * inquiry with its thread and timeline, a month's figures per account or unit, and the 留言台账 rows.
 * Each holds only what the viewer may see (inquiry-view-rules); an inquiry outside it is "not found".
 * The citizen's texts are masked for everyone but the answering unit.
 */
import { Types } from 'mongoose';
import { ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { decodeCursor, encodeCursor } from '../shared/page-cursor';
import { civilDate } from '../shared/wall-clock';
import type { Clock } from '../shared/clock';
import type { Viewer } from '../people/viewer-scope';
import type { PersonSummary } from '../people/people-records';
import type {
  InquiryDetail,
  InquiryFiguresReport,
  InquiryListItem,
  InquiryListQuery,
} from '../shared/contracts/inquiries';
import { excerpt, inquiryKindWords, invalidReasonWords } from './inquiry-rules';
import type { InquiryClock, InquiryFigureInput } from './inquiry-rules';
import { InquiryModel } from './inquiry-model';
import type { Inquiry } from './inquiry-model';
import { inquiryNotFound } from './inquiry-service';
import { isAnswerApproved } from './inquiry-answer-approval-rules';
import {
  inquiryScopeBranches,
  inquiryVisibleTo,
  isOverdue,
  monthRange,
  readsUnmasked,
  totalInquiryFigures,
} from './inquiry-view-rules';
import type { FigureGroup, InquiryViewerFacts } from './inquiry-view-rules';

export interface InquiryViewsDependencies {
  clock: Clock;
  timeZone: string;
  inquiries: {
    findByReference(reference: string): Promise<Inquiry>;
    mayAct(personId: string, unitId: string, account: null): Promise<boolean>;
    clockFor(unitId: string): Promise<InquiryClock>;
  };
  accounts: { findAccounts(ids: string[]): Promise<Map<string, { name: string; backendAdminId: unknown }>> };
  people: {
    findPeople(ids: string[]): Promise<Map<string, PersonSummary>>;
    unitName(unitId: string): Promise<string>;
  };
  maskPersonalData(text: string): string;
}

/** The fields of the list (the embedded FerretDB answers a `$slice` projection with an error, so the thread comes whole). */
const listFields = { timeline: 0 } as const;

const channelWords = { platform: '平台客服消息', 'back-office': '平台后台' } as const;
const statusWords = { open: '办理中', answered: '已答复', invalid: '无效' } as const;

export class InquiryViews {
  constructor(private readonly dependencies: InquiryViewsDependencies) {}

  /** The viewer's inquiries, newest first; `cursor` continues after the last one of a page. */
  async list(
    viewer: Viewer,
    query: InquiryListQuery & { limit: number },
  ): Promise<{ items: InquiryListItem[]; nextCursor: string | null }> {
    const scope = this.scopeFilter(viewer);
    if (!scope) return { items: [], nextCursor: null };
    const conditions: Record<string, unknown>[] = [scope];
    if (query.status) conditions.push({ status: query.status });
    if (query.accountId) conditions.push({ accountId: new Types.ObjectId(query.accountId) });
    if (query.unitId) conditions.push({ unitId: new Types.ObjectId(query.unitId) });
    if (query.month) {
      const { from, until } = monthRange(query.month, this.dependencies.timeZone);
      conditions.push({ receivedAt: { $gte: from, $lt: until } });
    }
    const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
    if (query.overdue === 'true') conditions.push({ status: 'open', answerDueOn: { $lt: today } });
    if (query.overdue === 'false') conditions.push({ $nor: [{ status: 'open', answerDueOn: { $lt: today } }] });
    if (query.cursor) {
      const [receivedAt, id] = decodeCursor(query.cursor, 2);
      const at = new Date(receivedAt);
      if (typeof id !== 'string' || !isObjectIdText(id) || Number.isNaN(at.getTime())) {
        throw new ValidationError('CURSOR_INVALID', '分页游标无效，请从第一页重新加载');
      }
      conditions.push({ $or: [{ receivedAt: { $lt: at } }, { receivedAt: at, _id: { $lt: new Types.ObjectId(id) } }] });
    }
    const found = await InquiryModel.find({ $and: conditions }, listFields)
      .sort({ receivedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<Inquiry[]>();
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      found.length > query.limit && last ? encodeCursor([last.receivedAt.toISOString(), String(last._id)]) : null;
    const names = await this.namesFor(page);
    return { items: page.map((inquiry) => this.listItem(viewer, inquiry, names)), nextCursor };
  }

  /** One inquiry the viewer may see, by id or code, with its thread, extensions and timeline. */
  async detail(viewer: Viewer, reference: string): Promise<InquiryDetail> {
    const inquiry = await this.findVisible(viewer, reference);
    return this.detailOf(viewer, inquiry);
  }

  /** The detail of an inquiry already known to be visible (after a step the viewer took on it). */
  async detailOf(viewer: Viewer, inquiry: Inquiry): Promise<InquiryDetail> {
    const names = await this.namesFor([inquiry]);
    const personIds = [
      ...inquiry.messages.map((message) => message.byPersonId),
      ...inquiry.extensions.map((extension) => extension.byPersonId),
      ...inquiry.timeline.map((entry) => entry.byPersonId),
      inquiry.answeredById,
      ...pendingPeople(inquiry),
    ].flatMap((id) => (id ? [String(id)] : []));
    const [people, mayAct] = await Promise.all([
      this.dependencies.people.findPeople([...new Set(personIds)]),
      this.dependencies.inquiries.mayAct(viewer.id, String(inquiry.unitId), null),
    ]);
    const person = (id: Types.ObjectId | null) =>
      id ? { id: String(id), name: people.get(String(id))?.name ?? '' } : null;
    const show = this.textFor(viewer, inquiry, names.backendAdmins);
    return {
      ...this.listItem(viewer, inquiry, names),
      source: inquiry.source,
      citizenLabel: inquiry.citizenLabel,
      invalidReason: inquiry.invalidReason,
      accountUnitId: String(inquiry.accountUnitId),
      mayAct: mayAct || readsUnmasked(viewer, ids(inquiry), names.backendAdmins.get(String(inquiry.accountId)) ?? ''),
      deadlines: {
        acknowledgeDueAt: inquiry.acknowledgeDueAt.toISOString(),
        acknowledgedAt: inquiry.acknowledgedAt?.toISOString() ?? null,
        originalDueOn: inquiry.originalDueOn,
        answerDueOn: inquiry.answerDueOn,
      },
      answerText: inquiry.answerText,
      answeredBy: person(inquiry.answeredById),
      messages: inquiry.messages.map((message) => ({
        at: message.at.toISOString(),
        direction: message.direction,
        text: message.direction === 'in' ? show(message.text) : message.text,
        purpose: message.purpose,
        by: person(message.byPersonId),
        channel: message.channel || null,
      })),
      extensions: inquiry.extensions.map((extension) => ({
        at: extension.at.toISOString(),
        by: person(extension.byPersonId) ?? { id: '', name: '' },
        fromDueOn: extension.fromDueOn,
        toDueOn: extension.toDueOn,
        reason: extension.reason,
      })),
      timeline: inquiry.timeline.map((entry) => ({
        sequence: entry.sequence,
        at: entry.at.toISOString(),
        action: entry.action,
        by: person(entry.byPersonId),
        reason: entry.reason,
        note: entry.note,
      })),
      pendingAnswer: pendingAnswerView(inquiry, (id) => ({ id, name: people.get(id)?.name ?? '' })),
    };
  }

  /** The inquiry by id or code if the viewer may see it; INQUIRY_NOT_FOUND otherwise, as for a missing one. */
  async findVisible(viewer: Viewer, reference: string): Promise<Inquiry> {
    const inquiry = await this.dependencies.inquiries.findByReference(reference);
    if (!inquiryVisibleTo(factsOf(viewer), ids(inquiry))) throw inquiryNotFound(reference.slice(0, 40));
    return inquiry;
  }

  /**
   * A month's figures (by receipt) per account or per answering unit in the viewer's scope, each on its
   * unit's working hours (an account's on its own unit's), and all of them together.
   */
  async figures(viewer: Viewer, month: string, groupBy: 'account' | 'unit'): Promise<InquiryFiguresReport> {
    const now = this.dependencies.clock.now();
    const inquiries: Inquiry[] = [];
    const scope = this.scopeFilter(viewer);
    if (scope) {
      const { from, until } = monthRange(month, this.dependencies.timeZone);
      inquiries.push(
        ...(await InquiryModel.find(
          { $and: [scope, { receivedAt: { $gte: from, $lt: until } }] },
          { accountId: 1, unitId: 1, accountUnitId: 1, status: 1, receivedAt: 1, answeredAt: 1, answerDueOn: 1 },
        ).lean<Inquiry[]>()),
      );
    }
    const groups = new Map<string, { clockUnitId: string; inputs: InquiryFigureInput[] }>();
    for (const inquiry of inquiries) {
      const id = String(groupBy === 'account' ? inquiry.accountId : inquiry.unitId);
      const group = groups.get(id) ?? {
        clockUnitId: String(groupBy === 'account' ? inquiry.accountUnitId : inquiry.unitId),
        inputs: [],
      };
      group.inputs.push({
        status: inquiry.status,
        receivedAt: inquiry.receivedAt,
        answeredAt: inquiry.answeredAt,
        answerDueOn: inquiry.answerDueOn,
      });
      groups.set(id, group);
    }
    const keys = [...groups.keys()];
    const [clocks, names] = await Promise.all([
      Promise.all(
        keys.map((key) =>
          this.dependencies.inquiries.clockFor((groups.get(key) as { clockUnitId: string }).clockUnitId),
        ),
      ),
      groupBy === 'account'
        ? this.dependencies.accounts.findAccounts(keys).then((found) => keys.map((key) => found.get(key)?.name ?? ''))
        : Promise.all(keys.map((key) => this.dependencies.people.unitName(key))),
    ]);
    const figureGroups: FigureGroup[] = keys.map((key, index) => ({
      inputs: (groups.get(key) as { inputs: InquiryFigureInput[] }).inputs,
      clock: clocks[index],
    }));
    return {
      month,
      groupBy,
      groups: keys
        .map((id, index) => ({ id, name: names[index], figures: totalInquiryFigures([figureGroups[index]], now) }))
        .sort((left, right) => left.name.localeCompare(right.name, 'zh-CN') || left.id.localeCompare(right.id)),
      totals: totalInquiryFigures(figureGroups, now),
    };
  }

  /**
   * The 留言台账 of a month: one row per inquiry in the viewer's scope, oldest first, read from a
   * database cursor; names looked up once each.
   */
  async *ledgerRows(viewer: Viewer, month: string): AsyncGenerator<string[]> {
    const scope = this.scopeFilter(viewer);
    if (!scope) return;
    const { from, until } = monthRange(month, this.dependencies.timeZone);
    const cursor = InquiryModel.find({ $and: [scope, { receivedAt: { $gte: from, $lt: until } }] }, { timeline: 0 })
      .sort({ receivedAt: 1, _id: 1 })
      .lean<Inquiry[]>()
      .cursor({ batchSize: 200 });
    const accounts = new Map<string, { name: string; backendAdminId: string }>();
    const unitNames = new Map<string, string>();
    const now = this.dependencies.clock.now();
    const { timeZone } = this.dependencies;
    for await (const inquiry of cursor as AsyncIterable<Inquiry>) {
      const accountId = String(inquiry.accountId);
      if (!accounts.has(accountId)) {
        const account = (await this.dependencies.accounts.findAccounts([accountId])).get(accountId);
        accounts.set(accountId, { name: account?.name ?? '', backendAdminId: String(account?.backendAdminId ?? '') });
      }
      const answeringUnitId = inquiry.answeredByUnitId ? String(inquiry.answeredByUnitId) : '';
      if (answeringUnitId && !unitNames.has(answeringUnitId)) {
        unitNames.set(answeringUnitId, await this.dependencies.people.unitName(answeringUnitId));
      }
      const account = accounts.get(accountId) as { name: string; backendAdminId: string };
      const citizenText = inquiry.messages.find((message) => message.direction === 'in')?.text ?? '';
      const unmasked = readsUnmasked(viewer, ids(inquiry), account.backendAdminId);
      const dueAt = inquiry.answerDueOn;
      const onTime =
        inquiry.status === 'answered' && inquiry.answeredAt
          ? civilDate(inquiry.answeredAt, timeZone) <= dueAt
            ? '是'
            : '否'
          : inquiry.status === 'open' && isOverdue(inquiry, now, timeZone)
            ? '否（逾期未答复）'
            : '';
      yield [
        inquiry.code,
        account.name,
        civilDate(inquiry.receivedAt, timeZone),
        inquiry.citizenLabel,
        inquiryKindWords[inquiry.kind],
        unmasked ? citizenText : this.dependencies.maskPersonalData(citizenText),
        inquiry.answerDueOn,
        inquiry.extensions.map((extension) => extension.reason).join('；'),
        inquiry.answeredAt ? civilDate(inquiry.answeredAt, timeZone) : '',
        answeringUnitId ? (unitNames.get(answeringUnitId) ?? '') : '',
        inquiry.answerText,
        inquiry.answerChannel ? channelWords[inquiry.answerChannel] : '',
        onTime,
        inquiry.status === 'invalid' && inquiry.invalidReason
          ? invalidReasonWords[inquiry.invalidReason]
          : statusWords[inquiry.status],
      ];
    }
  }

  /** The viewer's scope as one `$or`; null when they see no inquiry at all. */
  private scopeFilter(viewer: Viewer): Record<string, unknown> | null {
    const branches = inquiryScopeBranches(factsOf(viewer));
    if (branches.length === 0) return null;
    return {
      $or: branches.map((branch) => ({ [branch.field]: { $in: branch.ids.map((id) => new Types.ObjectId(id)) } })),
    };
  }

  private async namesFor(inquiries: Inquiry[]) {
    const accountIds = [...new Set(inquiries.map((inquiry) => String(inquiry.accountId)))];
    const unitIds = [...new Set(inquiries.map((inquiry) => String(inquiry.unitId)))];
    const [accounts, unitNames] = await Promise.all([
      this.dependencies.accounts.findAccounts(accountIds),
      Promise.all(unitIds.map((id) => this.dependencies.people.unitName(id))),
    ]);
    return {
      accounts: new Map(accountIds.map((id) => [id, accounts.get(id)?.name ?? ''])),
      backendAdmins: new Map(accountIds.map((id) => [id, String(accounts.get(id)?.backendAdminId ?? '')])),
      units: new Map(unitIds.map((id, index) => [id, unitNames[index]])),
    };
  }

  private listItem(
    viewer: Viewer,
    inquiry: Inquiry,
    names: { accounts: Map<string, string>; backendAdmins: Map<string, string>; units: Map<string, string> },
  ): InquiryListItem {
    const show = this.textFor(viewer, inquiry, names.backendAdmins);
    const first = inquiry.messages.find((message) => message.direction === 'in')?.text ?? '';
    return {
      id: String(inquiry._id),
      code: inquiry.code,
      accountId: String(inquiry.accountId),
      accountName: names.accounts.get(String(inquiry.accountId)) ?? '',
      unitId: String(inquiry.unitId),
      unitName: names.units.get(String(inquiry.unitId)) ?? '',
      kind: inquiry.kind,
      kindText: inquiryKindWords[inquiry.kind],
      status: inquiry.status,
      receivedAt: inquiry.receivedAt.toISOString(),
      answerDueOn: inquiry.answerDueOn,
      overdue: isOverdue(inquiry, this.dependencies.clock.now(), this.dependencies.timeZone),
      answeredAt: inquiry.answeredAt?.toISOString() ?? null,
      answerChannel: inquiry.answerChannel || null,
      excerpt: excerpt(show(first)),
    };
  }

  /** The citizen's text as this viewer reads it: as written for the assignee, masked for everyone else. */
  private textFor(viewer: Viewer, inquiry: Inquiry, backendAdmins: Map<string, string>): (text: string) => string {
    const unmasked = readsUnmasked(viewer, ids(inquiry), backendAdmins.get(String(inquiry.accountId)) ?? '');
    return (text) => (unmasked ? text : this.dependencies.maskPersonalData(text));
  }
}

function factsOf(viewer: Viewer): InquiryViewerFacts {
  return {
    isAdmin: viewer.isAdmin,
    unitIds: viewer.unitIds,
    adminUnitIds: viewer.scope.adminUnitIds,
    leaderUnitIds: viewer.scope.leaderUnitIds,
    leaderAccountIds: viewer.scope.leaderAccountIds,
  };
}

function ids(inquiry: Inquiry): { unitId: string; accountUnitId: string; accountId: string } {
  return {
    unitId: String(inquiry.unitId),
    accountUnitId: String(inquiry.accountUnitId),
    accountId: String(inquiry.accountId),
  };
}

/** Who a pending answer names: its author and its approvers. */
function pendingPeople(inquiry: Inquiry): Types.ObjectId[] {
  const pending = inquiry.pendingAnswer;
  if (!pending) return [];
  return [pending.byPersonId, ...pending.steps.flatMap((step) => step.approverIds)]
    .filter(isObjectIdText)
    .map((id) => new Types.ObjectId(id));
}

function pendingAnswerView(inquiry: Inquiry, person: (id: string) => { id: string; name: string }) {
  const pending = inquiry.pendingAnswer;
  if (!pending || inquiry.status !== 'open') return null;
  const step = pending.steps[pending.stepIndex];
  const approved = isAnswerApproved(pending);
  return {
    text: pending.text,
    contentHash: pending.contentHash,
    author: person(pending.byPersonId),
    step: pending.stepIndex + 1,
    steps: pending.steps.length,
    approved,
    waitingFor: approved || !step ? [] : step.approverIds.filter((id) => !step.approvedByIds.includes(id)).map(person),
  };
}
