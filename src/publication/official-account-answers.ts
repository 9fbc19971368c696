/**
 * The shapes of the Official Account (公众号) platform's answers that the client reads, checked on arrival
 * (the platform is outside our control: a missing field is a failed call, not an `undefined` further on),
 * and the client's own types for them. Fields from developers.weixin.qq.com (draftbox, freepublish).
 */
import { z } from 'zod';

/**
 * publish_status: 0 success, 1 publishing, 2 原创声明失败, 3 常规失败, 4 平台审核不通过, 5 deleted by the
 * account afterwards, 6 banned by the platform. Other numbers may come later; they pass as numbers.
 */
export type PublishStatus = number;

export interface PublicationState {
  status: PublishStatus;
  /** Set once the job succeeded. */
  articleId: string | null;
  /** One per article, in order. */
  articleUrls: string[];
  /** 1-based indexes of the articles that failed. */
  failedIndexes: number[];
}

export interface PublishedArticle {
  title: string;
  author: string;
  digest: string;
  /** HTML; '' when listed with no_content. */
  content: string;
  url: string;
  isDeleted: boolean;
}

export interface PublishedList {
  totalCount: number;
  items: { articleId: string; updateTime: Date; articles: PublishedArticle[] }[];
}

const text = z.string().catch('');

export const imageUrlAnswer = z.object({ url: z.string().min(1) });
export const materialAnswer = z.object({ media_id: z.string().min(1) });
export const draftAnswer = z.object({ media_id: z.string().min(1) });

/** publish_id is documented as a string; some answers give a number. */
const identifier = z.union([z.string().min(1), z.number().transform(String)]);

export const submitAnswer = z.object({
  publish_id: identifier,
  msg_data_id: identifier.optional(),
});

export const publicationAnswer = z.object({
  publish_status: z.number().int(),
  article_id: text.optional(),
  article_detail: z.object({ item: z.array(z.object({ article_url: z.string() })).catch([]) }).optional(),
  fail_idx: z.array(z.number().int()).optional(),
});

const newsItem = z.object({
  title: text,
  author: text,
  digest: text,
  content: text,
  url: text,
  is_deleted: z.union([z.boolean(), z.number()]).catch(false),
});

export const publishedArticlesAnswer = z.object({ news_item: z.array(newsItem) });

export const publishedListAnswer = z.object({
  total_count: z.number().int().nonnegative(),
  item: z.array(
    z.object({
      article_id: z.string().min(1),
      update_time: z.number(),
      content: z.object({ news_item: z.array(newsItem) }),
    }),
  ),
});

export function toPublishedArticle(item: z.infer<typeof newsItem>): PublishedArticle {
  return {
    title: item.title,
    author: item.author,
    digest: item.digest,
    content: item.content,
    url: item.url,
    isDeleted: item.is_deleted === true || item.is_deleted === 1,
  };
}
