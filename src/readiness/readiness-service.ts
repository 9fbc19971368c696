/**
 * 考核自查 (R10): each account's and unit's standing on every inspection indicator at a 监测时间点 —
 * today, or any past date recomputed from the records as they stood then. Admins see the units they look
 * after; a leader the units and accounts whose approval route names them; the CLI, the monthly message
 * and the benchmark read units directly.
 */
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { isObjectIdText } from '../shared/ids';
import { addDays, civilDate, instantAt, isCivilDate } from '../shared/wall-clock';
import type { Clock } from '../shared/clock';
import type { Viewer } from '../people/viewer-scope';
import type { IndicatorTable } from './indicator-table-rules';
import { accountReadiness, rankUnits, unitReadiness } from './readiness-rules';
import type { AccountReadiness, UnitReadiness } from './readiness-rules';
import { gatherRecords } from './readiness-records';
import type { ReadinessSources } from './readiness-records';

export interface ReadinessDependencies {
  clock: Clock;
  timeZone: string;
  table: IndicatorTable;
  sources: ReadinessSources;
  /** Every unit under these roots, the roots included. */
  unitsWithin(rootIds: string[]): Promise<string[]>;
  /** The unit of each account id (unknown ids absent). */
  accountUnits(accountIds: string[]): Promise<Map<string, string>>;
  /** Units by their full name (the CLI names one). */
  findUnitsByName(name: string): Promise<{ id: string; name: string }[]>;
}

/** The 监测时间点 a report is for. */
export interface ReportMoment {
  date: string;
  at: Date;
}

/** What a viewer may see: whole units, and single accounts of other units. */
interface ReadinessScope {
  /** The units read: those seen whole, and those of the single accounts. */
  unitIds: string[];
  wholeUnitIds: Set<string>;
  accountIds: Set<string>;
}

export class ReadinessService {
  constructor(private readonly dependencies: ReadinessDependencies) {}

  get table(): IndicatorTable {
    return this.dependencies.table;
  }

  /** Today (now) unless a past date is given (the end of that day); a future date is refused. */
  momentOf(date?: string): ReportMoment {
    const { clock, timeZone } = this.dependencies;
    const now = clock.now();
    const today = civilDate(now, timeZone);
    if (!date || date === today) return { date: today, at: now };
    if (!isCivilDate(date)) {
      throw new ValidationError('READINESS_DATE_INVALID', `监测日期“${date}”格式不对，请写成 2026-12-01`);
    }
    if (date > today) throw new ValidationError('READINESS_DATE_FUTURE', '监测日期不能晚于今天');
    return { date, at: new Date(instantAt(addDays(date, 1), 0, timeZone).getTime() - 1) };
  }

  /** The units of the viewer's scope, worst first, each with its accounts' reports. */
  async overview(viewer: Viewer, date?: string): Promise<{ moment: ReportMoment; units: UnitReadiness[] }> {
    const moment = this.momentOf(date);
    const scope = await this.scopeOf(viewer);
    const units = await this.unitsReport(scope.unitIds, moment, scope);
    return { moment, units };
  }

  /** One unit's report (its own accounts); another scope's unit reads as unknown. */
  async unitReport(
    viewer: Viewer,
    unitId: string,
    date?: string,
  ): Promise<{ moment: ReportMoment; unit: UnitReadiness }> {
    const moment = this.momentOf(date);
    const scope = await this.scopeOf(viewer);
    if (!isObjectIdText(unitId) || !scope.unitIds.includes(unitId)) throw unitNotFound();
    const [unit] = await this.unitsReport([unitId], moment, scope);
    if (!unit) throw new NotFoundError('READINESS_NO_ACCOUNTS', '该单位在监测日期没有运行中的政务新媒体账号');
    return { moment, unit };
  }

  /** One account's report; an account outside the viewer's scope reads as unknown. */
  async accountReport(
    viewer: Viewer,
    accountId: string,
    date?: string,
  ): Promise<{ moment: ReportMoment; account: AccountReadiness }> {
    const moment = this.momentOf(date);
    const scope = await this.scopeOf(viewer);
    const unitId = isObjectIdText(accountId)
      ? (await this.dependencies.accountUnits([accountId])).get(accountId)
      : null;
    if (!unitId || !(scope.wholeUnitIds.has(unitId) || scope.accountIds.has(accountId))) throw accountNotFound();
    const [unit] = await this.unitsReport([unitId], moment, null);
    const account = unit?.accounts.find((report) => report.account.id === accountId);
    if (!account)
      throw new NotFoundError('READINESS_ACCOUNT_NOT_RUNNING', '该账号在监测日期不在运行（未开通或已注销）');
    return { moment, account };
  }

  /**
   * The reports of these units (and, with `subtrees`, every unit below them), worst first; for the
   * terminal, the monthly message and the benchmark, which act for the operator.
   */
  async reportsForUnits(unitIds: string[], moment: ReportMoment, options: { subtrees?: boolean } = {}) {
    const ids = options.subtrees ? await this.dependencies.unitsWithin(unitIds) : unitIds;
    return this.unitsReport(ids, moment, null);
  }

  /** A unit named in full by the operator (the CLI), or null. */
  async findUnitByName(name: string): Promise<{ id: string; name: string } | null> {
    const [unit] = await this.dependencies.findUnitsByName(name);
    return unit ?? null;
  }

  private async unitsReport(
    unitIds: string[],
    moment: ReportMoment,
    scope: ReadinessScope | null,
  ): Promise<UnitReadiness[]> {
    const { sources, table, timeZone } = this.dependencies;
    const records = await gatherRecords(sources, table, unitIds, moment.at, timeZone);
    const visible = scope
      ? records.filter(
          (records) => scope.wholeUnitIds.has(records.account.unitId) || scope.accountIds.has(records.account.id),
        )
      : records;
    const byUnit = new Map<string, { name: string; accounts: AccountReadiness[] }>();
    for (const accountRecords of visible) {
      const { unitId, unitName } = accountRecords.account;
      const context = { at: moment.at, today: moment.date, timeZone };
      const entry = byUnit.get(unitId) ?? { name: unitName, accounts: [] };
      entry.accounts.push(accountReadiness(table, accountRecords, context));
      byUnit.set(unitId, entry);
    }
    return rankUnits([...byUnit].flatMap(([id, { name, accounts }]) => unitReadiness({ id, name }, accounts) ?? []));
  }

  /** Admins: their units and everything below; leaders: the units and accounts their routes name. */
  private async scopeOf(viewer: Viewer): Promise<ReadinessScope> {
    const { adminUnitIds, leaderUnitIds, leaderAccountIds } = viewer.scope;
    if (!viewer.isAdmin && leaderUnitIds.length === 0 && leaderAccountIds.length === 0) {
      throw new ForbiddenError('READINESS_FOR_ADMINS_AND_LEADERS', '考核自查仅对管理员和分管领导开放');
    }
    const accountUnits = await this.dependencies.accountUnits(leaderAccountIds);
    const whole = [...new Set([...adminUnitIds, ...leaderUnitIds])];
    const unitIds = [...new Set([...whole, ...accountUnits.values()])];
    // A leader of single accounts sees those accounts, not the rest of their units.
    return { unitIds, wholeUnitIds: new Set(whole), accountIds: new Set(leaderAccountIds) };
  }
}

function unitNotFound(): NotFoundError {
  return new NotFoundError('UNIT_NOT_FOUND', '找不到该单位，或它不在您的查看范围内');
}

function accountNotFound(): NotFoundError {
  return new NotFoundError('ACCOUNT_NOT_FOUND', '找不到该账号，或它不在您的查看范围内');
}
