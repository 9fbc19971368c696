import { formatWallTime, parseWallTime } from '../../../src/shared/wall-time';

describe('wall-clock dates', () => {
  test('when an admin types dates, then they are read in Beijing time; a date alone as an end includes that day', () => {
    expect(parseWallTime('2026-12-01', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseWallTime('2026/12/7', 'Asia/Shanghai', { endOfDay: true })?.toISOString()).toBe(
      '2026-12-07T16:00:00.000Z',
    );
    expect(parseWallTime('2026年12月1日', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseWallTime('2026-12-01T09:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T01:30:00.000Z');
    expect(parseWallTime('2026-12-31', 'Asia/Shanghai', { endOfDay: true })?.toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    );
    expect(parseWallTime('2026-02-30', 'Asia/Shanghai')).toBeNull();
    expect(parseWallTime('下周一', 'Asia/Shanghai')).toBeNull();
    expect(formatWallTime(new Date('2026-11-27T01:05:00Z'), 'Asia/Shanghai')).toBe('2026年11月27日 09:05');
  });
});
