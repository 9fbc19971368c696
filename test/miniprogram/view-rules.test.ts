/** The pure parts of the mini-program: chart drawing, formatting, diff condensing, the unit tree, registry warnings. */
import { chartHeight, drawBarChart, fitText } from '../../miniprogram/app/lib/bar-chart-drawing';
import type { ChartContext } from '../../miniprogram/app/lib/bar-chart-drawing';
import { certificationFlag, daysUntil } from '../../miniprogram/app/lib/account-view';
import { compactDuration } from '../../miniprogram/app/lib/dashboard-view';
import { condenseSegments } from '../../miniprogram/app/lib/draft-detail-view';
import { formatDuration, formatTime, shortHash } from '../../miniprogram/app/lib/format';
import { toUnitRows } from '../../miniprogram/app/lib/organization-view';
import { fixtures } from './support/fixtures';

/** A canvas context that records what is drawn; every character is 10 px wide. */
function recordingContext() {
  const calls: Array<{ call: string; args: Array<string | number>; fillStyle: unknown }> = [];
  const context: ChartContext = {
    font: '',
    fillStyle: '',
    textBaseline: '',
    textAlign: '',
    clearRect: (...args) => calls.push({ call: 'clearRect', args, fillStyle: context.fillStyle }),
    fillRect: (...args) => calls.push({ call: 'fillRect', args, fillStyle: context.fillStyle }),
    fillText: (...args) => calls.push({ call: 'fillText', args, fillStyle: context.fillStyle }),
    measureText: (text) => ({ width: text.length * 10 }),
  };
  return { context, calls };
}

describe('bar chart drawing', () => {
  const spec = {
    color: '#1a5fb4',
    extendedColor: '#a9c6ee',
    rows: [
      { label: '县教育局', value: 100, extendedValue: 400, valueText: '1.7时/6.7时' },
      { label: '县农业农村局（乡村振兴局）', value: 200, valueText: '3.3时' },
    ],
    legend: [{ color: '#1a5fb4', text: '中位数' }],
  };

  test('when drawn, then bars scale to the largest value and every label and value is written', () => {
    const { context, calls } = recordingContext();
    drawBarChart(context, 340, chartHeight(spec), spec);

    const bars = calls.filter((call) => call.call === 'fillRect' && call.args[3] === 14);
    // 340 px less the label column (102 + 8), the widest value (90) and a gap (12) leaves 128 px for
    // the largest value, the p90 extension of 400; the medians 100 and 200 get a quarter and a half.
    expect(bars.map((bar) => [bar.fillStyle, bar.args[0], Math.round(Number(bar.args[2]))])).toEqual([
      ['#a9c6ee', 110, 128],
      ['#1a5fb4', 110, 32],
      ['#1a5fb4', 110, 64],
    ]);
    const texts = calls.filter((call) => call.call === 'fillText').map((call) => call.args[0]);
    expect(texts).toEqual(['县教育局', '1.7时/6.7时', '县农业农村局（乡村…', '3.3时', '中位数']);
  });

  test('when a label is wider than its column, then it is cut with an ellipsis that fits', () => {
    const { context } = recordingContext();
    expect(fitText(context, '县农业农村局', 40)).toBe('县农业…');
    expect(fitText(context, '县', 40)).toBe('县');
    expect(fitText(context, '县农业', 5)).toBe('');
  });

  test('when a value is zero, then no bar is drawn but the row is labelled', () => {
    const { context, calls } = recordingContext();
    drawBarChart(context, 340, 60, { color: '#000', rows: [{ label: '已撤回', value: 0, valueText: '0 篇' }] });
    expect(calls.filter((call) => call.call === 'fillRect')[0].args[2]).toBe(0);
    expect(calls.filter((call) => call.call === 'fillText').map((call) => call.args[0])).toEqual(['已撤回', '0 篇']);
  });

  test('when there are rows and a legend, then the height fits both', () => {
    expect(chartHeight(spec)).toBe(2 * 30 + 12 + 24);
    expect(chartHeight({ color: '#000', rows: [] })).toBe(42);
  });
});

describe('formatting', () => {
  test('when a UTC time is shown, then it is in Asia/Shanghai', () => {
    expect(formatTime('2026-11-26T16:30:00.000Z')).toBe('2026-11-27 00:30');
    expect(formatTime(null)).toBe('');
    expect(formatTime('not a time')).toBe('');
  });

  test('when durations are shown, then they read in minutes, hours or days', () => {
    expect(formatDuration(45)).toBe('45 分钟');
    expect(formatDuration(200)).toBe('3 小时 20 分');
    expect(formatDuration(180)).toBe('3 小时');
    expect(formatDuration(4350)).toBe('3 天');
    expect(formatDuration(1500)).toBe('1 天 1 小时');
    expect(compactDuration(95)).toBe('1.6时');
    expect(compactDuration(45)).toBe('45分');
    expect(compactDuration(2900)).toBe('2.0天');
    expect(shortHash('3fa9c2e1aaaa')).toBe('3fa9c2e1');
  });
});

describe('diff condensing', () => {
  test('when unchanged runs are long, then only their ends next to a change are kept', () => {
    const long = '一二三四五六七八九十'.repeat(5);
    expect(
      condenseSegments(
        [
          { kind: 'same', text: long },
          { kind: 'added', text: '新' },
          { kind: 'same', text: long },
          { kind: 'removed', text: '旧' },
          { kind: 'same', text: long },
        ],
        4,
      ),
    ).toEqual([
      { kind: 'same', text: '…七八九十' },
      { kind: 'added', text: '新' },
      { kind: 'same', text: '一二三四 … 七八九十' },
      { kind: 'removed', text: '旧' },
      { kind: 'same', text: '一二三四…' },
    ]);
  });

  test('when unchanged runs are short, then they are kept whole', () => {
    const segments = [
      { kind: 'same' as const, text: '短句' },
      { kind: 'added' as const, text: '新增' },
    ];
    expect(condenseSegments(segments)).toEqual(segments);
  });
});

describe('unit tree', () => {
  test("when a unit's parent is outside the admin's scope, then it is shown as a root", () => {
    const [, office] = fixtures.unitList.items;
    expect(toUnitRows([office]).map((row) => [row.name, row.depth])).toEqual([['县政府办公室', 0]]);
  });
});

describe('registry warnings', () => {
  const expiring = (expiresAt: string | null, certified = true) =>
    certificationFlag({ certified, expiresAt }, '2026-11-27');

  test('when days are counted to an expiry, then calendar days in Beijing count, not hours', () => {
    expect(daysUntil('2026-11-27T15:59:59.000Z', '2026-11-27')).toBe(0);
    expect(daysUntil('2026-11-27T16:00:00.000Z', '2026-11-27')).toBe(1);
    expect(daysUntil('2026-11-20T16:00:00.000Z', '2026-11-27')).toBe(-6);
  });

  test('when a certification nears its expiry, then it warns from 90 days and turns red within 7, as the reminders do', () => {
    expect(expiring('2027-02-25T16:00:00.000Z')).toEqual({ text: '认证 2027-02-26 到期', severity: 'approved' });
    expect(expiring('2027-02-24T16:00:00.000Z')).toEqual({
      text: '认证 2027-02-25 到期，还有 90 天',
      severity: 'warn',
    });
    expect(expiring('2026-12-26T16:00:00.000Z')).toEqual({
      text: '认证 2026-12-27 到期，还有 30 天',
      severity: 'warn',
    });
    expect(expiring('2026-12-04T16:00:00.000Z')).toEqual({ text: '认证 2026-12-05 到期，还有 8 天', severity: 'warn' });
    expect(expiring('2026-12-03T16:00:00.000Z')).toEqual({
      text: '认证 2026-12-04 到期，仅剩 7 天',
      severity: 'critical',
    });
    expect(expiring('2026-11-25T16:00:00.000Z')).toEqual({ text: '认证已于 2026-11-26 过期', severity: 'critical' });
    expect(expiring(null)).toEqual({ text: '已认证（未登记到期日）', severity: 'info' });
    expect(expiring(null, false)).toEqual({ text: '未认证', severity: 'info' });
  });
});
