import { hashContent } from '../../../src/drafts/draft-content-rules';
import type { ApprovedVersion, ArticleAttachment } from '../../../src/publication/article-build-rules';
import { articleDigest, isArticleRefusal, planArticle } from '../../../src/publication/article-build-rules';
import { fingerprintArticle } from '../../../src/publication/article-fingerprint-rules';

type StoredFile = ArticleAttachment & { storagePath: string };

const poster: StoredFile = {
  name: '海报.png',
  mimeType: 'image/png',
  size: 80_000,
  sha256: 'a'.repeat(64),
  storagePath: '/data/a.png',
};
const photo: StoredFile = {
  name: '现场.jpg',
  mimeType: 'image/jpeg',
  size: 90_000,
  sha256: 'b'.repeat(64),
  storagePath: '/data/b.jpg',
};

function version(overrides: Partial<ApprovedVersion<StoredFile>> = {}): ApprovedVersion<StoredFile> {
  return {
    number: 2,
    title: '冬季防火提示',
    body: '请注意用火安全。\n\n严禁在林区吸烟。',
    sourceUrl: '',
    reprint: null,
    attachments: [],
    ...overrides,
  };
}

function approvedHashOf(approved: ApprovedVersion<StoredFile>): string {
  return hashContent({ ...approved, attachmentHashes: approved.attachments.map((file) => file.sha256) });
}

const options = (approved: ApprovedVersion<StoredFile>) => ({
  approvedHash: approvedHashOf(approved),
  author: '某县应急管理局',
  defaultCoverMediaId: 'cover-media-1',
});

describe('the article built from the approved version', () => {
  test('when the version is approved as is, then the plan carries its title, text, images, cover and fingerprint', () => {
    const approved = version({ attachments: [poster, photo] });
    const plan = planArticle(approved, options(approved));
    expect(plan).toEqual({
      title: '冬季防火提示',
      author: '某县应急管理局',
      digest: '请注意用火安全。',
      text: '请注意用火安全。\n\n严禁在林区吸烟。',
      images: [poster, photo],
      cover: { source: 'attachment', attachment: poster },
      fingerprint: fingerprintArticle({ title: '冬季防火提示', text: '请注意用火安全。\n\n严禁在林区吸烟。' }),
    });
  });

  test('when the version has no image, then the cover is the account default; with no default, then it is refused', () => {
    const approved = version();
    const plan = planArticle(approved, options(approved));
    expect(!isArticleRefusal(plan) && plan.cover).toEqual({ source: 'account-default', mediaId: 'cover-media-1' });
    expect(planArticle(approved, { ...options(approved), defaultCoverMediaId: null })).toMatchObject({
      kind: 'invalid',
      code: 'ARTICLE_COVER_MISSING',
    });
  });

  test('when anything differs from the approved hash (text, title, files), then publishing is refused', () => {
    const approved = version({ attachments: [poster] });
    const { approvedHash } = options(approved);
    for (const changed of [
      version({ attachments: [poster], body: '请注意用火安全！\n\n严禁在林区吸烟。' }),
      version({ attachments: [poster], title: '冬季防火提醒' }),
      version({ attachments: [photo] }),
      version(),
    ]) {
      expect(planArticle(changed, { ...options(changed), approvedHash })).toEqual({
        kind: 'conflict',
        code: 'ARTICLE_NOT_APPROVED_CONTENT',
        message: '第2版的内容与审核通过的内容不一致，不能发布；请重新提交审核',
      });
    }
  });

  test('when the version is a reprint, then the article names its source in the last line', () => {
    const approved = version({ reprint: { source: '应急管理部网站', originalTitle: '冬季防火提示' } });
    const plan = planArticle(approved, options(approved));
    expect(!isArticleRefusal(plan) && plan.text).toBe('请注意用火安全。\n\n严禁在林区吸烟。\n\n来源：应急管理部网站');
  });

  test('when the version is a document file or a forwarded link, then it is refused: a person lays it out', () => {
    const document = { ...poster, name: '方案.docx', mimeType: 'application/msword' };
    const withFile = version({ body: '', attachments: [document] });
    expect(planArticle(withFile, options(withFile))).toMatchObject({
      code: 'ARTICLE_FILE_NOT_PUBLISHABLE',
      message: expect.stringContaining('「方案.docx」不是图片'),
    });
    const link = version({ body: 'https://www.gov.cn/a.html', sourceUrl: 'https://www.gov.cn/a.html' });
    expect(planArticle(link, options(link))).toMatchObject({ code: 'ARTICLE_LINK_ONLY' });
  });

  test('when the approved version is over a platform limit, then it is refused with each reason', () => {
    const approved = version({ title: '标'.repeat(33), attachments: [{ ...photo, size: 2 * 1024 * 1024 }] });
    const plan = planArticle(approved, options(approved));
    expect(plan).toMatchObject({ kind: 'invalid', code: 'ARTICLE_OVER_PLATFORM_LIMIT' });
    expect(isArticleRefusal(plan) && plan.message).toMatch(/标题最多32个字.*须小于1MB.*修改后须重新审核/);
  });

  test('when the account’s author is over 16 字, then it is refused for the admin to fix', () => {
    const approved = version();
    expect(
      planArticle(approved, { ...options(approved), author: '某县应急管理局防汛抗旱指挥部办公室值班室' }),
    ).toMatchObject({
      code: 'ARTICLE_AUTHOR_TOO_LONG',
      message: expect.stringContaining('请管理员修改'),
    });
  });
});

describe('the digest', () => {
  test('when the first paragraph is short, then it is the digest; when long, then it is cut at a sentence or with …', () => {
    expect(articleDigest('\n  第一段。\n第二段')).toBe('第一段。');
    const sentences = `${'一'.repeat(50)}。${'二'.repeat(100)}`;
    expect(articleDigest(sentences)).toBe(`${'一'.repeat(50)}。`);
    const unbroken = '三'.repeat(200);
    expect(articleDigest(unbroken)).toBe(`${'三'.repeat(119)}…`);
    expect(articleDigest('')).toBe('');
  });
});
