import { fingerprintArticle } from '../../../src/publication/article-fingerprint-rules';
import type { ApprovedArticle } from '../../../src/publication/sweep-match-rules';
import {
  indexApprovedArticles,
  matchSweptArticle,
  recheckVerifiedArticle,
} from '../../../src/publication/sweep-match-rules';

const hour = 3_600_000;
const approvedAt = new Date('2026-11-02T01:00:00Z');

function approval(draftId: string, title: string, text: string, at = approvedAt, versionNumber = 1): ApprovedArticle {
  return {
    draftId,
    shortCode: draftId.toUpperCase(),
    versionNumber,
    title,
    approvedAt: at,
    fingerprint: fingerprintArticle({ title, text }),
  };
}

const flood = approval('k7q2', '关于做好防汛工作的通知', '各乡镇：\n请做好防汛准备。');
const fire = approval('m3n4', '冬季防火提示', '请注意用火安全。');
const index = indexApprovedArticles([flood, fire]);
const after = (hours: number) => new Date(approvedAt.getTime() + hours * hour);

describe('matching what the platform shows to the approvals', () => {
  test('when an article says exactly what was approved, after the approval, then it is verified (also when laid out by hand)', () => {
    const match = matchSweptArticle(index, {
      title: '关于做好防汛工作的通知',
      text: '　　各乡镇：\n\n　　请做好防汛准备。',
      publishedAt: after(3),
    });
    expect(match).toMatchObject({ kind: 'verified', approved: flood });
  });

  test('when the same title went out with other words, then it is a mismatch whose text differs', () => {
    expect(
      matchSweptArticle(index, {
        title: '关于做好防汛工作的通知',
        text: '各乡镇：\n请做好防讯准备。',
        publishedAt: after(3),
      }),
    ).toMatchObject({
      kind: 'mismatch',
      approved: flood,
      titleDiffers: false,
      textDiffers: true,
    });
  });

  test('when the same text went out under another title, then it is a mismatch whose title differs', () => {
    expect(
      matchSweptArticle(index, { title: '冬季防火提醒', text: '请注意用火安全。', publishedAt: after(3) }),
    ).toMatchObject({
      kind: 'mismatch',
      approved: fire,
      titleDiffers: true,
      textDiffers: false,
    });
  });

  test('when nothing like it was approved, then it is 未经审核发布', () => {
    expect(matchSweptArticle(index, { title: '招聘启事', text: '诚聘。', publishedAt: after(3) })).toMatchObject({
      kind: 'unapproved',
      reason: 'no-approval',
      approved: null,
    });
  });

  test('when the approved text went out before its approval, then it is 未经审核发布 naming the later approval', () => {
    expect(
      matchSweptArticle(index, { title: '冬季防火提示', text: '请注意用火安全。', publishedAt: after(-2) }),
    ).toMatchObject({
      kind: 'unapproved',
      reason: 'before-approval',
      approved: fire,
    });
  });

  test('when the platform clock runs a little behind, then an article stamped just before the approval still matches', () => {
    expect(
      matchSweptArticle(index, {
        title: '冬季防火提示',
        text: '请注意用火安全。',
        publishedAt: new Date(approvedAt.getTime() - 30_000),
      }).kind,
    ).toBe('verified');
  });

  test('when a near-miss comes long after its approval, then it is not taken for that approval', () => {
    const late = { title: '冬季防火提示', text: '请注意用电安全。', publishedAt: after(24 * 40) };
    expect(matchSweptArticle(index, late).kind).toBe('unapproved');
    expect(matchSweptArticle(index, late, { nearMissWindowMs: 60 * 24 * hour }).kind).toBe('mismatch');
  });

  test('when several approvals match, then the latest before publication is chosen, whatever their order', () => {
    const older = approval('aaaa', '冬季防火提示', '请注意用火安全。', after(-48));
    const newer = approval('bbbb', '冬季防火提示', '请注意用火安全。', after(1), 2);
    const article = { title: '冬季防火提示', text: '请注意用火安全。', publishedAt: after(3) };
    expect(matchSweptArticle(indexApprovedArticles([newer, older, fire]), article)).toMatchObject({ approved: newer });
    expect(matchSweptArticle(indexApprovedArticles([fire, older, newer]), article)).toMatchObject({ approved: newer });
  });

  test('when image-only posts have no text, then they are not near-misses of each other', () => {
    const poster = approval('pppp', '海报', '');
    expect(
      matchSweptArticle(indexApprovedArticles([poster]), { title: '另一张海报', text: '', publishedAt: after(3) }).kind,
    ).toBe('unapproved');
  });
});

describe('a verified article seen again', () => {
  const verified = { fingerprint: fire.fingerprint.whole };

  test('when it is unchanged, deleted, gone or changed, then the recheck says so', () => {
    expect(
      recheckVerifiedArticle(verified, { title: '冬季防火提示', text: '请注意用火安全。', isDeleted: false }),
    ).toEqual({ kind: 'unchanged' });
    expect(
      recheckVerifiedArticle(verified, { title: '冬季防火提示', text: '请注意用火安全。', isDeleted: true }),
    ).toEqual({ kind: 'deleted' });
    expect(recheckVerifiedArticle(verified, null)).toEqual({ kind: 'deleted' });
    expect(
      recheckVerifiedArticle(verified, { title: '冬季防火提示', text: '请注意安全。', isDeleted: false }),
    ).toMatchObject({ kind: 'replaced' });
  });
});
