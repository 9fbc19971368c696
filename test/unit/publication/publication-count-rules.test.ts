import { Types } from 'mongoose';
import { countPublications, latestUnapprovedShown } from '../../../src/publication/publication-count-rules';
import type { CountedArticle } from '../../../src/publication/publication-count-rules';

const at = (text: string) => new Date(`2026-11-${text}Z`);

describe('the dashboard figures of the last 30 days', () => {
  const accountId = new Types.ObjectId();
  const article = (overrides: Partial<CountedArticle>): CountedArticle => ({
    accountId,
    articleId: 'a',
    finding: 'verified',
    title: '标题',
    url: 'https://mp.weixin.qq.com/s/x',
    publishedAt: at('20T01:00:00'),
    deleted: false,
    replacedBy: '',
    ...overrides,
  });

  test('when the sweep and publishing both saw articles, then each article is counted once by what was found', () => {
    const counts = countPublications({
      windowDays: 30,
      connectedAccounts: 2,
      articles: [
        article({ articleId: 'a' }),
        article({ articleId: 'b', finding: 'mismatch' }),
        article({ articleId: 'c', finding: 'unapproved', title: '未审先发', publishedAt: at('21T01:00:00') }),
        article({ articleId: 'd', deleted: true }),
      ],
      publications: [
        { accountId, articleId: 'a', state: 'verified', verification: null },
        { accountId, articleId: 'e', state: 'verified', verification: null },
        { accountId, articleId: 'f', state: 'mismatch', verification: null },
      ],
      accountNames: new Map([[String(accountId), '应急先锋']]),
      lastSweptAt: at('26T01:00:00'),
    });
    expect(counts).toEqual({
      windowDays: 30,
      connectedAccounts: 2,
      verified: 3,
      mismatched: 2,
      unapproved: 1,
      changedLater: 1,
      latestUnapproved: [
        {
          accountId: String(accountId),
          accountName: '应急先锋',
          title: '未审先发',
          url: 'https://mp.weixin.qq.com/s/x',
          publishedAt: '2026-11-21T01:00:00.000Z',
        },
      ],
      lastSweptAt: '2026-11-26T01:00:00.000Z',
    });
  });

  test('when many posts went out unapproved, then the newest few are listed', () => {
    const articles = Array.from({ length: 8 }, (_, index) =>
      article({ articleId: `u${index}`, finding: 'unapproved', publishedAt: at(`1${index}T01:00:00`) }),
    );
    const counts = countPublications({
      windowDays: 30,
      connectedAccounts: 1,
      articles,
      publications: [],
      accountNames: new Map(),
      lastSweptAt: null,
    });
    expect(counts.unapproved).toBe(8);
    expect(counts.latestUnapproved.map((post) => post.publishedAt.slice(8, 10))).toEqual(
      ['17', '16', '15', '14', '13'].slice(0, latestUnapprovedShown),
    );
  });
});
