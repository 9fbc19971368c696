/** Calendar, reminder settings and the cadence/nudge figures the admin dashboard shows (R6). */

/** GET /api/v1/calendar */
export interface CalendarView {
  today: string;
  /** Years needed now that the holiday package does not know yet; [] when all is well. */
  missingYears: number[];
  /** The warning in Chinese; '' when no year is missing. */
  missingYearsMessage: string;
  overrides: CalendarOverrideView[];
}

/** A local exception: PUT /api/v1/calendar/overrides/:date with { kind, name }. */
export interface CalendarOverrideView {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

/** GET/PUT /api/v1/units/:unitId/reminder-policy */
export interface ReminderPolicyView {
  remindAfterWorkingHours: number;
  escalateAfterWorkingHours: number;
  workdayStart: string;
  workdayEnd: string;
  baselineCounts: 'calendar-days' | 'working-days';
  /** true when the unit has no settings of its own (an ancestor's or the defaults apply). */
  inherited: boolean;
}

export type CadenceRiskName = 'veto' | 'veto-tomorrow' | 'leader-warned' | 'behind-baseline' | 'no-original' | 'ok';

/** One running account's publishing figures (GET /api/v1/cadence; the dashboard's "accounts at risk"). */
export interface AccountCadenceView {
  accountId: string;
  name: string;
  platform: string;
  unitId: string;
  unitName: string;
  lastPostDate: string | null;
  lastOriginalPostDate: string | null;
  daysSincePost: number;
  daysSinceOriginal: number;
  baselineDays: number;
  risk: CadenceRiskName;
}

/** GET /api/v1/cadence: the running accounts in the admin's scope, with their figures. */
export interface AccountCadenceListBody {
  accounts: AccountCadenceView[];
}

/** Dashboard "drafts waiting longest": a draft whose current step waits for a decision. */
export interface WaitingDraftView {
  draftId: string;
  code: string;
  title: string;
  unitId: string;
  unitName: string;
  stepNumber: number;
  stepCount: number;
  waitingFor: { id: string; name: string }[];
  /** When the current step started waiting (ISO). */
  waitingSince: string;
  workingHoursWaited: number;
}
