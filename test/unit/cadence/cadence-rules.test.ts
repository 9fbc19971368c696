import { loadOfficialCalendar } from '../../../src/cadence/official-calendar';
import {
  cadenceRisk,
  describeCadenceReport,
  dueCadenceWarnings,
  measureCadence,
} from '../../../src/cadence/cadence-rules';
import type { CadenceAccount } from '../../../src/cadence/cadence-rules';
import { addDays } from '../../../src/shared/wall-clock';

const calendar = { official: loadOfficialCalendar(2028), overrides: new Map() };
const account = (overrides: Partial<CadenceAccount> = {}): CadenceAccount => ({
  id: 'a1',
  name: '平安某县',
  platform: 'wechat-official-account',
  unitId: 'u1',
  unitName: '县应急管理局',
  baselineDays: 3,
  baselineCounts: 'calendar-days',
  lastPostDate: '2026-11-02',
  lastOriginalPostDate: '2026-11-02',
  trackedSince: '2026-01-01',
  ...overrides,
});
const thresholdsOn = (day: number, subject = account()) =>
  dueCadenceWarnings(calendar, subject, addDays('2026-11-02', day)).map((warning) => warning.threshold);

describe('cadence warnings', () => {
  test('when days pass without a post, then each threshold is due from its day on and not before', () => {
    expect(thresholdsOn(3)).toEqual([]);
    expect(thresholdsOn(4)).toEqual(['baseline']);
    expect(thresholdsOn(9)).toEqual(['baseline']);
    expect(thresholdsOn(10)).toEqual(['baseline', 'leader']);
    expect(thresholdsOn(12)).toEqual(['baseline', 'leader']);
    expect(thresholdsOn(13)).toEqual(['baseline', 'leader', 'admins']);
    expect(thresholdsOn(14)).toEqual(['baseline', 'leader', 'admins', 'original']);
  });

  test('when the province sets a baseline of 1 day, then the officer is warned on day 2', () => {
    expect(thresholdsOn(1, account({ baselineDays: 1 }))).toEqual([]);
    expect(thresholdsOn(2, account({ baselineDays: 1 }))).toEqual(['baseline']);
  });

  test('when day 13 is reached, then the admins read the veto risk for tomorrow', () => {
    const warning = dueCadenceWarnings(calendar, account(), '2026-11-15').find((due) => due.threshold === 'admins');
    expect(warning).toMatchObject({ recipients: ['admins'], gapStart: '2026-11-02' });
    expect(warning?.text).toContain('单项否决风险：明天满 14 天未更新');
  });

  test('when only reprints were posted, then the post gap is closed but the original gap runs on', () => {
    const reprinting = account({ lastPostDate: '2026-11-15', lastOriginalPostDate: '2026-11-02' });
    const due = dueCadenceWarnings(calendar, reprinting, '2026-11-16');
    expect(due.map((warning) => warning.threshold)).toEqual(['original']);
    expect(due[0]).toMatchObject({ recipients: ['officer', 'leader'], gapStart: '2026-11-02' });
  });

  test('when the 14-day count runs through National Day, then holidays count as calendar days', () => {
    const beforeHoliday = account({ lastPostDate: '2026-09-28', lastOriginalPostDate: '2026-09-28' });
    expect(measureCadence(calendar, beforeHoliday, '2026-10-12')).toMatchObject({ daysSincePost: 14 });
    expect(dueCadenceWarnings(calendar, beforeHoliday, '2026-10-11').map((warning) => warning.threshold)).toContain(
      'admins',
    );
  });

  test('when the baseline counts working days, then the holiday does not count against the officer', () => {
    const exempt = account({
      lastPostDate: '2026-09-30',
      lastOriginalPostDate: '2026-09-30',
      baselineCounts: 'working-days',
    });
    // 1–7 October are holidays: by 8 October only one working day has passed.
    expect(measureCadence(calendar, exempt, '2026-10-08')).toMatchObject({ baselineCount: 1, daysSincePost: 8 });
    expect(dueCadenceWarnings(calendar, exempt, '2026-10-08')).toEqual([]);
    // 8, 9, 10 (调休 Saturday), 12 October: four working days exceed the baseline of three.
    expect(dueCadenceWarnings(calendar, exempt, '2026-10-12').map((warning) => warning.threshold)).toEqual([
      'baseline',
      'leader',
    ]);
  });

  test('when an account never posted, then its gap starts on the day it opened', () => {
    const fresh = account({ lastPostDate: null, lastOriginalPostDate: null, trackedSince: '2026-11-10' });
    const due = dueCadenceWarnings(calendar, fresh, '2026-11-14');
    expect(due).toMatchObject([{ threshold: 'baseline', gapStart: '2026-11-10' }]);
    expect(due[0].text).toContain('开通以来尚无发布记录');
  });

  test('when the report is written, then the most silent account comes first with its 30-day posts', () => {
    const quiet = account({ name: '某县发布', lastPostDate: '2026-11-01' });
    const busy = account({ name: '平安某县', lastPostDate: '2026-11-14' });
    const today = '2026-11-14';
    const text = describeCadenceReport(
      [
        { account: busy, figures: measureCadence(calendar, busy, today), last30Days: { original: 3, reprint: 5 } },
        { account: quiet, figures: measureCadence(calendar, quiet, today), last30Days: { original: 0, reprint: 2 } },
      ],
      today,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('更新情况（截至2026年11月14日，共 2 个账号）：');
    expect(lines[1]).toContain('【明天满14天未更新】某县发布');
    expect(lines[1]).toContain('距上次更新 13 天');
    expect(lines[2]).toContain('近30天发布 8 篇（原创 3，转载 5）');
    expect(cadenceRisk(busy, measureCadence(calendar, busy, today))).toBe('ok');
  });

  test('when the platform sweep found posts nobody approved, then they count and are flagged in the report', () => {
    const connected = account({ name: '平安某县', lastPostDate: '2026-11-13' });
    const today = '2026-11-14';
    const figures = measureCadence(calendar, connected, today);
    const text = describeCadenceReport(
      [{ account: connected, figures, last30Days: { original: 2, reprint: 3, flagged: 2 } }],
      today,
    );
    expect(text).toContain('近30天发布 5 篇（原创 2，转载 3，其中 2 篇未经审核或与审核版本不一致）');
  });
});
