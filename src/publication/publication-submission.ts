/**
 * Sending an approved version's article to the platform (R1, R2): each image's bytes checked against the
 * hash the approval bound, uploaded through the platform (articles may show only the platform's images),
 * the cover uploaded as a permanent image (or the account's default), the HTML read back and compared with
 * the approved text before anything is submitted, then draft/add and freepublish/submit.
 */
import { createHash } from 'node:crypto';
import { ConflictError } from '../shared/errors';
import type { DraftAttachment } from '../drafts/draft-model';
import type { ArticlePlan } from './article-build-rules';
import { readArticleHtml, renderArticleHtml } from './article-html-rules';
import { fingerprintArticle } from './article-fingerprint-rules';
import type { PublishingPlatform } from './publication-service-types';

/** What the platform answered: its draft's media_id, and the publication's publish_id and msg_data_id. */
export interface SentArticle {
  mediaId: string;
  publishId: string;
  msgDataId: string;
}

/** A draft's file as publishing needs it: where it is stored, and the hash its approval bound. */
export type PublishedFile = Pick<DraftAttachment, 'name' | 'mimeType' | 'size' | 'sha256' | 'storagePath'>;

export async function sendArticle(
  platform: PublishingPlatform,
  plan: ArticlePlan<PublishedFile>,
  readFile: (path: string) => Promise<Buffer>,
): Promise<SentArticle> {
  const bytesOf = async (file: PublishedFile) => {
    const bytes = await readFile(file.storagePath);
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) {
      throw new ConflictError(
        'ATTACHMENT_CHANGED',
        `附件「${file.name}」与审核时的文件不一致，不能发布；请重新提交审核`,
      );
    }
    return bytes;
  };
  const imageUrls: string[] = [];
  for (const image of plan.images) imageUrls.push(await platform.uploadArticleImage(await bytesOf(image), image.name));
  const content = renderArticleHtml(plan.text, imageUrls);
  // R2: what is about to go out must read back as the approved text, whatever the rendering did.
  if (fingerprintArticle({ title: plan.title, text: readArticleHtml(content).text }).whole !== plan.fingerprint.whole) {
    throw new ConflictError('ARTICLE_NOT_APPROVED_CONTENT', '即将发布的内容与审核通过的内容不一致，已停止发布');
  }
  const thumbMediaId =
    plan.cover.source === 'attachment'
      ? await platform.addPermanentImage(await bytesOf(plan.cover.attachment), plan.cover.attachment.name)
      : plan.cover.mediaId;
  const mediaId = await platform.addDraft([
    { title: plan.title, author: plan.author, digest: plan.digest, content, thumbMediaId },
  ]);
  const { publishId, msgDataId } = await platform.submitPublication(mediaId);
  return { mediaId, publishId, msgDataId: msgDataId ?? '' };
}
