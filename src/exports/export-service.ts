/**
 * Exports for inspections: drafts with their decisions, and the audit trail, for a date range, as CSV
 * (UTF-8 with BOM so Excel reads the Chinese) or XLSX (exceljs' streaming writer). Rows are read from a
 * database cursor and written one by one, so memory stays flat however long the range. Each holds only
 * what the viewer may see: the drafts of their scope, and the events whose subject they may read
 * (audit-visibility-rules, decided a batch at a time). Each export is recorded in the audit trail before
 * the first row leaves (R3: who took which records out, when).
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import type { Logger } from '../shared/logger';
import type { AuditTrail } from '../audit/audit-service';
import { streamEventsBetween } from '../audit/audit-queries';
import type { AuditEvent } from '../audit/audit-event-model';
import { auditSubjectKey } from '../audit/audit-visibility';
import type { AuditSubjectFilter, AuditVisibility } from '../audit/audit-visibility';
import type { Viewer } from '../people/viewer-scope';
import { streamDraftsCreatedIn } from '../drafts/draft-reports';
import type { ExportedDraft } from '../drafts/draft-reports';
import { statusWord, decisionWord } from '../drafts/draft-messages';
import type { DraftPeople } from '../drafts/draft-service-types';
import { auditExportColumns, draftExportColumns } from '../shared/contracts/exports';
import { inquiryExportColumns } from '../shared/contracts/inquiries';
import { monthRange } from '../inquiries/inquiry-view-rules';
import type { ExportFormat } from '../shared/contracts/exports';
import { csvLine, safeCell } from './export-rules';
import type { Cell } from './export-rules';

export interface ExportServiceDependencies {
  audit: AuditTrail;
  people: Pick<DraftPeople, 'findPeople' | 'unitName'>;
  /** Which events the viewer may take out: the same decision as GET /audit/events. */
  auditVisibility: Pick<AuditVisibility, 'filterFor'>;
  timeZone: string;
  /** The 留言台账 rows of a month the viewer may see (InquiryViews.ledgerRows). */
  inquiryLedger?: (viewer: Viewer, month: string) => AsyncGenerator<Cell[]>;
  logger?: Logger;
}

export interface ExportFile {
  stream: Readable;
  contentType: string;
  fileName: string;
}

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export class ExportService {
  constructor(private readonly dependencies: ExportServiceDependencies) {}

  async exportDrafts(viewer: Viewer, range: { from: Date; until: Date }, format: ExportFormat): Promise<ExportFile> {
    await this.record(viewer, 'drafts', range, format);
    const rows = this.draftRows(streamDraftsCreatedIn(viewer.scope, range));
    return this.write('稿件', draftExportColumns, rows, format, `drafts-${this.day(range.from)}`);
  }

  async exportAudit(viewer: Viewer, range: { from: Date; until: Date }, format: ExportFormat): Promise<ExportFile> {
    await this.record(viewer, 'audit', range, format);
    const visible = await this.dependencies.auditVisibility.filterFor(viewer.scope, { exportUntil: range.until });
    const events = inBatches(streamEventsBetween(range.from, range.until) as AsyncIterable<AuditEvent>, eventBatch);
    const rows = this.auditRows(events, visible);
    return this.write('审计记录', auditExportColumns, rows, format, `audit-${this.day(range.from)}`);
  }

  /** The 留言台账 of a month (by receipt): one row per inquiry in the viewer's scope. */
  async exportInquiries(viewer: Viewer, month: string, format: ExportFormat): Promise<ExportFile> {
    const ledger = this.dependencies.inquiryLedger;
    if (!ledger) throw new Error('the inquiry ledger is not wired');
    const range = monthRange(month, this.dependencies.timeZone);
    await this.record(viewer, 'inquiries', range, format);
    return this.write('留言台账', inquiryExportColumns, ledger(viewer, month), format, `inquiries-${month}`);
  }

  private async record(viewer: Viewer, kind: string, range: { from: Date; until: Date }, format: ExportFormat) {
    await this.dependencies.audit.append({
      actor: { personId: viewer.id, via: 'api' },
      action: 'export.created',
      subject: { type: 'export', id: kind },
      details: { kind, format, from: range.from.toISOString(), until: range.until.toISOString() },
    });
  }

  /**
   * One row per decision (one for a draft without any). Names are looked up once per export: a row
   * then makes little garbage beyond its cells, and memory stays flat however many rows there are.
   */
  private async *draftRows(drafts: AsyncIterable<ExportedDraft>): AsyncGenerator<Cell[]> {
    const names = new Map<string, string>();
    const unitNames = new Map<string, string>();
    const name = (id: Types.ObjectId | null) => (id ? (names.get(String(id)) ?? '') : '');
    for await (const draft of drafts) {
      const decisions = draft.steps.flatMap((step, index) => step.decisions.map((decision) => ({ index, decision })));
      const unnamed = [
        draft.submitterId,
        ...decisions.flatMap(({ decision }) => [decision.approverId, decision.onBehalfOfId].filter(isId)),
      ].filter((id) => !names.has(String(id)));
      if (unnamed.length > 0) {
        const people = await this.dependencies.people.findPeople(unnamed);
        for (const id of unnamed) names.set(String(id), people.get(String(id))?.name ?? '');
      }
      const unitId = String(draft.unitId);
      let unitName = unitNames.get(unitId);
      if (unitName === undefined) {
        unitName = await this.dependencies.people.unitName(unitId);
        unitNames.set(unitId, unitName);
      }
      const title = draft.versions.find((version) => version.number === draft.currentVersion)?.title ?? '';
      const base: Cell[] = [
        draft.shortCode,
        title,
        unitName,
        name(draft.submitterId),
        statusWord(draft.status),
        this.time(draft.createdAt),
        this.time(draft.updatedAt),
      ];
      const publication: Cell[] = [
        draft.publication.url,
        draft.publication.publishedAt ? this.time(draft.publication.publishedAt) : '',
      ];
      if (decisions.length === 0) yield [...base, '', '', '', '', '', '', '', '', ...publication];
      for (const { index, decision } of decisions) {
        yield [
          ...base,
          `第${index + 1}步`,
          name(decision.approverId),
          name(decision.onBehalfOfId),
          decisionWord(decision.decision),
          decision.comment,
          decision.versionNumber,
          decision.contentHash,
          this.time(decision.decidedAt),
          ...publication,
        ];
      }
    }
  }

  /** The rows of the events the viewer may see; visibility and names are read once per batch. */
  private async *auditRows(batches: AsyncIterable<AuditEvent[]>, visible: AuditSubjectFilter): AsyncGenerator<Cell[]> {
    for await (const batch of batches) {
      const [shown, people] = await Promise.all([
        visible(batch.map((event) => event.subject)),
        this.dependencies.people.findPeople(
          batch.flatMap((event) => [event.actor.personId, event.actor.onBehalfOfId].filter(isId)),
        ),
      ]);
      const name = (id: Types.ObjectId | null) => (id ? (people.get(String(id))?.name ?? String(id)) : '');
      for (const event of batch) {
        if (!shown.has(auditSubjectKey(event.subject))) continue;
        yield [
          event._id,
          this.time(event.at),
          event.action,
          event.actor.personId ? name(event.actor.personId) : '系统',
          name(event.actor.onBehalfOfId),
          event.actor.via,
          event.subject.type,
          event.subject.id,
          event.subjectVersion,
          event.contentHash,
          event.reason,
          event.hash,
        ];
      }
    }
  }

  /** Starts writing in the background and hands back the stream the rows arrive on. */
  private write(
    sheetName: string,
    columns: readonly string[],
    rows: AsyncGenerator<Cell[]>,
    format: ExportFormat,
    baseName: string,
  ): ExportFile {
    const stream = new PassThrough();
    const writing = format === 'csv' ? writeCsv(stream, columns, rows) : writeXlsx(stream, sheetName, columns, rows);
    writing.catch((error: unknown) => {
      this.dependencies.logger?.error({ err: error }, 'export failed while streaming');
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    return { stream, contentType: contentTypes[format], fileName: `${baseName}.${format}` };
  }

  /** "2026-11-26 09:00:00" in the configured time zone. */
  private time(date: Date): string {
    this.formatter ??= new Intl.DateTimeFormat('sv-SE', {
      timeZone: this.dependencies.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    return this.formatter.format(date);
  }

  private formatter: Intl.DateTimeFormat | null = null;

  private day(date: Date): string {
    return this.time(date).slice(0, 10);
  }
}

async function writeCsv(stream: PassThrough, columns: readonly string[], rows: AsyncGenerator<Cell[]>) {
  stream.write(`\uFEFF${csvLine(columns)}`);
  for await (const row of rows) {
    if (!stream.write(csvLine(row))) await once(stream, 'drain');
  }
  stream.end();
}

async function writeXlsx(
  stream: PassThrough,
  sheetName: string,
  columns: readonly string[],
  rows: AsyncGenerator<Cell[]>,
) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...columns]).commit();
  for await (const row of rows) {
    sheet.addRow(row.map(safeCell)).commit();
    // The zip writer has no back-pressure of its own: wait for the reader when the buffer is full.
    if (stream.writableNeedDrain) await once(stream, 'drain');
  }
  sheet.commit();
  await workbook.commit();
}

/** Events decided together: the database cursor's own batch, so memory holds one batch as before. */
const eventBatch = 500;

async function* inBatches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function isId(id: Types.ObjectId | null): id is Types.ObjectId {
  return id !== null;
}
