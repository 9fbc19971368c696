import { diffArticle } from '../../../src/publication/article-diff-rules';
import { fingerprintArticle } from '../../../src/publication/article-fingerprint-rules';
import {
  describeUnapprovedArticle,
  describeVerifiedArticleChanged,
  describeVerifiedArticleDeleted,
} from '../../../src/publication/sweep-alert-rules';
import type { ApprovedArticle } from '../../../src/publication/sweep-match-rules';
import { indexApprovedArticles, matchSweptArticle } from '../../../src/publication/sweep-match-rules';

const approvedAt = new Date('2026-11-02T01:00:00Z');
const fire: ApprovedArticle = {
  draftId: 'm3n4',
  shortCode: 'M3N4',
  versionNumber: 1,
  title: '冬季防火提示',
  approvedAt,
  fingerprint: fingerprintArticle({ title: '冬季防火提示', text: '请注意用火安全。' }),
};
const index = indexApprovedArticles([fire]);

describe('the sweep’s alerts', () => {
  const article = {
    accountName: '应急先锋',
    title: '招聘启事',
    publishedAt: new Date('2026-11-02T01:30:00Z'),
    url: 'https://mp.weixin.qq.com/s/x',
  };

  test('when an article matches no approval, then the alert gives the account, time in Beijing, title and link', () => {
    const match = matchSweptArticle(index, { ...article, text: '诚聘。' });
    expect(match.kind === 'unapproved' && describeUnapprovedArticle(article, match, 'Asia/Shanghai')).toBe(
      [
        '【未经审核发布】公众号“应急先锋”于 2026年11月2日 09:30 发布了《招聘启事》，系统中没有与之相符的审核记录。',
        '文章链接：https://mp.weixin.qq.com/s/x',
        '请立即核实：如系误发或账号被他人使用，请删除该文章并修改账号密码；如内容确需发布，请补办审核并说明情况。',
      ].join('\n'),
    );
  });

  test('when it went out before its approval, then the alert says when the approval came', () => {
    const early = { ...article, title: '冬季防火提示', publishedAt: new Date(approvedAt.getTime() - 2 * 3_600_000) };
    const match = matchSweptArticle(index, { ...early, text: '请注意用火安全。' });
    expect(match.kind === 'unapproved' && describeUnapprovedArticle(early, match, 'Asia/Shanghai')).toContain(
      '发布时尚未审核通过（#M3N4 于 2026年11月2日 09:00 才审核通过）',
    );
  });

  test('when a verified article is deleted, then the alert names the draft and the old link', () => {
    expect(describeVerifiedArticleDeleted(article, '#M3N4 《冬季防火提示》')).toBe(
      '【已核验文章被删除】公众号“应急先锋”上的 #M3N4 《冬季防火提示》（已核验与审核内容一致）已被删除或下线，原链接：https://mp.weixin.qq.com/s/x。如非本单位有意删除，请立即核查账号安全。',
    );
  });

  test('when a verified article is changed, then the alert shows where, from the approved version', () => {
    const difference = diffArticle(
      { title: '冬季防火提示', text: '请注意用火安全。' },
      { title: '冬季防火提示', text: '请注意用电安全。' },
    );
    expect(describeVerifiedArticleChanged(article, '#M3N4 《冬季防火提示》', difference)).toBe(
      [
        '【已核验文章被改动】公众号“应急先锋”上的 #M3N4 《冬季防火提示》 在核验一致后被改动，与审核通过的内容有 1 处不同：',
        '· 第1段 改：请注意用【火】→【电】安全。',
        '文章链接：https://mp.weixin.qq.com/s/x',
        '请核实是否在平台上被改动。未经审核的改动须更正：在公众号后台改回审核通过的内容，或删除后按“修改”重新审核再发布。',
      ].join('\n'),
    );
  });
});
