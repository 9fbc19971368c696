import { toPublicationCheck } from '../../../src/publication/publication-check-rules';
import type {
  CheckedPublication,
  PublicationCheckFacts,
  SweptArticle,
} from '../../../src/publication/publication-check-rules';

const at = (text: string) => new Date(`2026-11-${text}Z`);
const hash = 'a'.repeat(64);

function published(overrides: Partial<CheckedPublication> = {}): CheckedPublication {
  return {
    state: 'verified',
    versionNumber: 2,
    contentHash: hash,
    title: '防汛演练通知',
    text: '各乡镇：定于12月1日开展防汛演练。',
    articleId: 'article-1',
    articleUrl: 'https://mp.weixin.qq.com/s/one',
    finishedAt: at('20T02:00:00'),
    failure: null,
    verification: {
      checkedAt: at('20T02:01:00'),
      placeCount: 0,
      summary: '',
      fingerprint: 'f',
      publishedTitle: '防汛演练通知',
      publishedText: '各乡镇：定于12月1日开展防汛演练。',
      deleted: false,
    },
    ...overrides,
  };
}

function swept(overrides: Partial<SweptArticle> = {}): SweptArticle {
  return {
    articleId: 'article-1',
    finding: 'verified',
    versionNumber: 2,
    title: '防汛演练通知',
    url: 'https://mp.weixin.qq.com/s/one',
    publishedAt: at('20T02:00:00'),
    deleted: false,
    replacedBy: '',
    firstSeenAt: at('21T01:00:00'),
    ...overrides,
  };
}

function facts(overrides: Partial<PublicationCheckFacts> = {}): PublicationCheckFacts {
  return {
    publication: published(),
    attempts: 1,
    swept: [],
    accountName: '应急先锋',
    versionHashes: new Map([[2, hash]]),
    sweepDifference: '',
    ...overrides,
  };
}

describe('发布核验 of a draft', () => {
  test('when the draft was neither published through the platform nor found by the sweep, then there is none', () => {
    expect(toPublicationCheck(facts({ publication: null }))).toBeNull();
  });

  test('when the published article was verified, then it says so against the approved version and its hash', () => {
    expect(toPublicationCheck(facts())).toMatchObject({
      source: 'publish',
      state: 'verified',
      stateText: '已发布，核验一致',
      message: '平台上的文章经核验与审核通过的第2版一致。',
      versionNumber: 2,
      contentHash: hash,
      articleUrl: 'https://mp.weixin.qq.com/s/one',
      publishedAt: '2026-11-20T02:00:00.000Z',
      placeCount: 0,
      differenceText: '',
      difference: null,
    });
  });

  test('when the published article differs, then the places and the word-level difference approved → published show', () => {
    const check = toPublicationCheck(
      facts({
        publication: published({
          state: 'mismatch',
          text: '今年投入资金500万元用于森林防火。',
          verification: {
            ...published().verification!,
            placeCount: 1,
            summary: '· 第1段 改：今年投入资金【500】→【800】万元用于',
            publishedText: '今年投入资金800万元用于森林防火。',
          },
        }),
      }),
    );
    expect(check).toMatchObject({
      state: 'mismatch',
      message: '平台上的文章与审核通过的第2版有 1 处不同，已通知投稿人、审核领导和管理员。',
      placeCount: 1,
      differenceText: '· 第1段 改：今年投入资金【500】→【800】万元用于',
    });
    expect(check?.difference?.text.filter((segment) => segment.kind !== 'same')).toEqual([
      { kind: 'removed', text: '500' },
      { kind: 'added', text: '800' },
    ]);
    expect(check?.difference?.title).toEqual([{ kind: 'same', text: '防汛演练通知' }]);
  });

  test('when the platform failed it, then the reason shows and that the draft can go again', () => {
    const check = toPublicationCheck(
      facts({
        attempts: 2,
        publication: published({
          state: 'failed',
          verification: null,
          finishedAt: null,
          failure: { publishStatus: 4, code: 'PUBLISH_REJECTED_BY_PLATFORM', message: '未通过平台审核，文章未发布' },
        }),
      }),
    );
    expect(check).toMatchObject({
      state: 'failed',
      stateText: '发布未成功',
      message: '未通过平台审核，文章未发布。稿件仍为审核通过状态，可再次发布。',
      publishedAt: null,
      attempts: 2,
    });
  });

  test('when the platform has not answered yet, or the article is being compared, then it says which', () => {
    expect(
      toPublicationCheck(facts({ publication: published({ state: 'publishing', verification: null }) })),
    ).toMatchObject({ state: 'publishing', stateText: '发布中' });
    expect(
      toPublicationCheck(facts({ publication: published({ state: 'published', verification: null }) })),
    ).toMatchObject({ state: 'verifying', message: '文章已发布，正在与审核通过的第2版比对。' });
  });

  test('when the sweep later found the verified article deleted or changed, then that is the state', () => {
    expect(toPublicationCheck(facts({ swept: [swept({ deleted: true })] }))).toMatchObject({
      state: 'deleted',
      stateText: '已在平台删除',
    });
    const replaced = toPublicationCheck(
      facts({ swept: [swept({ replacedBy: 'other' })], sweepDifference: '· 标题 改：【防汛】→【抗旱】' }),
    );
    expect(replaced).toMatchObject({ state: 'replaced', differenceText: '· 标题 改：【防汛】→【抗旱】' });
    // Another article of the draft does not change this publication's state.
    expect(toPublicationCheck(facts({ swept: [swept({ articleId: 'other', deleted: true })] }))?.state).toBe(
      'verified',
    );
  });

  test('when the draft was published by hand and the sweep verified it, then the check comes from the sweep', () => {
    expect(toPublicationCheck(facts({ publication: null, attempts: 0, swept: [swept()] }))).toMatchObject({
      source: 'sweep',
      state: 'verified',
      message: '平台巡查发现这篇文章（在公众号后台发布），经核验与审核通过的第2版一致。',
      contentHash: hash,
      checkedAt: '2026-11-21T01:00:00.000Z',
      attempts: 0,
    });
  });

  test('when the sweep found a near-miss, then it is a mismatch with the difference it told', () => {
    const check = toPublicationCheck(
      facts({
        publication: null,
        swept: [
          swept({ finding: 'mismatch', publishedAt: at('19T01:00:00') }),
          swept({ articleId: 'newer', finding: 'mismatch', url: 'https://mp.weixin.qq.com/s/two' }),
        ],
        sweepDifference: '· 第1段 改：【12】→【13】',
      }),
    );
    expect(check).toMatchObject({
      source: 'sweep',
      state: 'mismatch',
      articleUrl: 'https://mp.weixin.qq.com/s/two',
      differenceText: '· 第1段 改：【12】→【13】',
      difference: null,
    });
  });
});
