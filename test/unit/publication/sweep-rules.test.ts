import {
  alertsOn,
  articleKeyOf,
  describeSweep,
  listingHorizon,
  maxPages,
  noFindings,
  pageSize,
  recheckChange,
  wantsNextPage,
} from '../../../src/publication/sweep-rules';

const day = 86_400_000;
const now = new Date('2026-11-20T01:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * day);
const fullPage = (oldestDaysAgo: number) =>
  Array.from({ length: pageSize }, (_, index) => daysAgo(oldestDaysAgo - (pageSize - 1 - index) * 0.01));

describe('how far a sweep lists', () => {
  test('when the account was never swept to the end, then everything is listed', () => {
    expect(listingHorizon(null, now)).toBeNull();
    expect(wantsNextPage({ updateTimes: fullPage(400), offset: 0, totalCount: 1000 }, null, 1)).toBe(true);
  });

  test('when an earlier sweep saw everything, then listing stops a week back or at what it saw, whichever is older', () => {
    expect(listingHorizon(daysAgo(1), now)).toEqual(daysAgo(7));
    expect(listingHorizon(daysAgo(30), now)).toEqual(daysAgo(30));
    const horizon = daysAgo(7);
    expect(wantsNextPage({ updateTimes: fullPage(3), offset: 0, totalCount: 100 }, horizon, 1)).toBe(true);
    expect(wantsNextPage({ updateTimes: fullPage(8), offset: 20, totalCount: 100 }, horizon, 2)).toBe(false);
  });

  test('when the page was not full, the platform has no more, or the safety stop is reached, then it ends', () => {
    expect(wantsNextPage({ updateTimes: fullPage(1).slice(0, 5), offset: 0, totalCount: 100 }, null, 1)).toBe(false);
    expect(wantsNextPage({ updateTimes: fullPage(1), offset: 80, totalCount: 100 }, null, 5)).toBe(false);
    expect(wantsNextPage({ updateTimes: fullPage(1), offset: 0, totalCount: 100_000 }, null, maxPages)).toBe(false);
  });
});

describe('which findings are told', () => {
  test('when an article went out before the first sweep began watching, then only the last week of it is alerted', () => {
    expect(alertsOn(daysAgo(3), null, now)).toBe(true);
    expect(alertsOn(daysAgo(8), null, now)).toBe(false);
    const firstSweep = daysAgo(30);
    expect(alertsOn(daysAgo(36), firstSweep, now)).toBe(true);
    expect(alertsOn(daysAgo(40), firstSweep, now)).toBe(false);
    expect(alertsOn(daysAgo(1), firstSweep, now)).toBe(true);
  });

  test('when an article is keyed, then account, article id and its place in the publication name it', () => {
    expect(articleKeyOf('a1', 'art_9', 1)).toBe('a1:art_9:1');
  });
});

describe('a verified article seen again', () => {
  const fingerprint = (whole: string) => ({ whole, text: `${whole}-text`, titleKey: 'title' });
  const fresh = { deleted: false, replacedBy: '' };

  test('when it is deleted or gone, then that is recorded once', () => {
    expect(recheckChange(fresh, { kind: 'deleted' })).toEqual({ fields: { deleted: true }, kind: 'deleted' });
    expect(recheckChange({ deleted: true, replacedBy: '' }, { kind: 'deleted' })).toBeNull();
  });

  test('when its text changed, then the new text is recorded once; changed back, it is restored quietly', () => {
    const replaced = recheckChange(fresh, { kind: 'replaced', fingerprint: fingerprint('b') });
    expect(replaced).toEqual({ fields: { replacedBy: 'b' }, kind: 'replaced' });
    expect(
      recheckChange({ deleted: false, replacedBy: 'b' }, { kind: 'replaced', fingerprint: fingerprint('b') }),
    ).toBeNull();
    expect(
      recheckChange({ deleted: false, replacedBy: 'b' }, { kind: 'replaced', fingerprint: fingerprint('c') }),
    ).toEqual({
      fields: { replacedBy: 'c' },
      kind: 'replaced',
    });
    expect(recheckChange({ deleted: false, replacedBy: 'b' }, { kind: 'unchanged' })).toEqual({
      fields: { replacedBy: '' },
      kind: 'restored',
    });
    expect(recheckChange(fresh, { kind: 'unchanged' })).toBeNull();
  });
});

describe('what a sweep reports', () => {
  const figures = noFindings('', 0);

  test('when the platform did not answer, then the reason is all there is to say', () => {
    expect(describeSweep('平安某县', { ...figures, error: '公众号接口调用次数已达上限' })).toBe(
      '公众号“平安某县”核查未完成：公众号接口调用次数已达上限',
    );
  });

  test('when articles were found, then each finding is counted', () => {
    expect(
      describeSweep('平安某县', { ...figures, listed: 12, found: 3, verified: 1, mismatched: 1, unapproved: 1 }),
    ).toBe(
      '公众号“平安某县”核查完成：查看平台文章 12 篇，新发现 3 篇：核验一致 1 篇，与审核版本不一致 1 篇，未经审核发布 1 篇。',
    );
    expect(describeSweep('平安某县', { ...figures, listed: 20, deleted: 1 })).toBe(
      '公众号“平安某县”核查完成：查看平台文章 20 篇，没有新发布的文章；已核验文章被删除 1 篇、被改动 0 篇。',
    );
  });
});
