/**
 * The working-day calendar as the jobs, the API and the CLI use it: the official calendar from the
 * package with the admins' local overrides on top (cached for a minute; a change made here applies at
 * once), and the missing-year check the log, the dashboard and the admins' daily message share.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { TtlCache } from '../shared/ttl-cache';
import { toObjectIdOrNull } from '../shared/ids';
import { civilDate, isCivilDate, yearOf } from '../shared/wall-clock';
import type { AuditTrail } from '../audit/audit-service';
import { CalendarOverrideModel } from './calendar-override-model';
import type { CalendarOverrideRecord } from './calendar-override-model';
import { describeDay, describeMissingYears, missingCalendarYears, overrideKinds } from './calendar-rules';
import type { CalendarDay, CalendarOverride, OfficialCalendar, OverrideKind, WorkingCalendar } from './calendar-rules';
import { loadOfficialCalendar } from './official-calendar';

/** Who changes the calendar: an admin through the API, or the operator at the CLI (no person). */
export interface CalendarActor {
  personId: string | null;
  via: string;
}

/** What the calendar needs from the people feature: overrides apply everywhere, so only top-level admins set them. */
export interface CalendarPeople {
  findAdmin(personId: string): Promise<{ scopeUnitIds: string[] } | null>;
  coversWholeOrganization(unitIds: string[]): Promise<boolean>;
}

export interface CalendarStatus {
  today: string;
  /** Years needed now that the package does not know; [] when all is well. */
  missingYears: number[];
  /** Local overrides within the missing years. */
  overridesInMissingYears: number;
  /** The warning in Chinese; '' when no year is missing. */
  message: string;
}

export interface CalendarServiceDependencies {
  clock: Clock;
  audit: AuditTrail;
  people: CalendarPeople;
  timeZone: string;
  logger?: Logger;
  /** The package's calendar; tests pass their own to play a newer release. */
  official?: OfficialCalendar;
}

const overridesCacheMs = 60_000;

export class CalendarService {
  private readonly overrides: TtlCache<Map<string, CalendarOverride>>;
  private readonly official: OfficialCalendar;

  constructor(private readonly dependencies: CalendarServiceDependencies) {
    this.overrides = new TtlCache(overridesCacheMs, dependencies.clock);
    this.official = dependencies.official ?? loadOfficialCalendar();
  }

  get timeZone(): string {
    return this.dependencies.timeZone;
  }

  /** The calendar with the local overrides in force now. */
  async workingCalendar(): Promise<WorkingCalendar> {
    return { official: this.official, overrides: await this.overrides.get('all', () => this.loadOverrides()) };
  }

  async describeDay(date: string): Promise<CalendarDay> {
    return describeDay(await this.workingCalendar(), checkedDate(date));
  }

  async listOverrides(): Promise<CalendarOverride[]> {
    return [...(await this.workingCalendar()).overrides.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  /** Makes `date` a holiday or a working day locally, whatever the official calendar says. */
  async setOverride(
    actor: CalendarActor,
    input: { date: string; kind: string; name?: string },
  ): Promise<CalendarOverride> {
    const date = checkedDate(input.date);
    if (!overrideKinds.includes(input.kind as OverrideKind)) {
      throw new ValidationError('CALENDAR_KIND_INVALID', '请指明该日是“休息”（holiday）还是“上班”（workday）');
    }
    const kind = input.kind as OverrideKind;
    const name = (input.name ?? '').trim().slice(0, 50) || (kind === 'holiday' ? '本地休息日' : '本地工作日');
    await this.checkMayChange(actor);
    const setById = toObjectIdOrNull(actor.personId, () => new ValidationError('PERSON_ID_INVALID', '操作人编号无效'));
    await CalendarOverrideModel.updateOne(
      { _id: date },
      { $set: { kind, name, setById, setAt: this.dependencies.clock.now() } },
      { upsert: true },
    );
    await this.dependencies.audit.append({
      actor: { personId: setById, via: actor.via },
      action: 'calendar.override-set',
      subject: { type: 'calendar-day', id: date },
      details: { kind, name },
    });
    this.overrides.clear();
    this.dependencies.logger?.info({ date, kind, name }, 'calendar override set');
    return { date, kind, name };
  }

  async removeOverride(actor: CalendarActor, dateText: string): Promise<void> {
    const date = checkedDate(dateText);
    await this.checkMayChange(actor);
    const removed = await CalendarOverrideModel.deleteOne({ _id: date });
    if (removed.deletedCount === 0) {
      throw new NotFoundError('CALENDAR_OVERRIDE_NOT_FOUND', `${date} 没有本地设置，按官方日历执行`);
    }
    await this.dependencies.audit.append({
      actor: { personId: actor.personId, via: actor.via },
      action: 'calendar.override-removed',
      subject: { type: 'calendar-day', id: date },
    });
    this.overrides.clear();
  }

  /** Whether the package lacks a year needed now (for the dashboard, the log and the daily message). */
  async status(): Promise<CalendarStatus> {
    const today = civilDate(this.dependencies.clock.now(), this.dependencies.timeZone);
    const missingYears = missingCalendarYears(this.official, today);
    const overrides = (await this.workingCalendar()).overrides;
    const overridesInMissingYears = [...overrides.keys()].filter((date) => missingYears.includes(yearOf(date))).length;
    return {
      today,
      missingYears,
      overridesInMissingYears,
      message: describeMissingYears(missingYears, overridesInMissingYears),
    };
  }

  private async loadOverrides(): Promise<Map<string, CalendarOverride>> {
    const records = await CalendarOverrideModel.find({}).lean<CalendarOverrideRecord[]>();
    return new Map(records.map((record) => [record._id, { date: record._id, kind: record.kind, name: record.name }]));
  }

  private async checkMayChange(actor: CalendarActor): Promise<void> {
    if (!actor.personId) return;
    const admin = await this.dependencies.people.findAdmin(actor.personId);
    if (!(await this.dependencies.people.coversWholeOrganization(admin?.scopeUnitIds ?? []))) {
      throw new ForbiddenError('CALENDAR_ADMIN_ONLY', '本地节假日设置对全部单位生效，只有最上级单位的管理员可以修改');
    }
  }
}

function checkedDate(text: string): string {
  const date = text.trim();
  if (!isCivilDate(date))
    throw new ValidationError('CALENDAR_DATE_INVALID', `日期“${date.slice(0, 20)}”无效，应形如 2027-01-01`);
  return date;
}
