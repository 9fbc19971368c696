/**
 * Reading what an account has on the platform for the sweep (R10): its publications newest first, page
 * by page with their content (one call per 20 publications, none per article), down to the horizon the
 * sweep rules set; each article read as text (readArticleHtml) the way the approvals are fingerprinted.
 * A platform that stops answering ends the listing: what was read is still swept, and the next sweep
 * lists again from the top.
 */
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { readArticleHtml } from './article-html-rules';
import { articleKeyOf, pageSize, wantsNextPage } from './sweep-rules';

/** One article of a publication as the platform lists it (freepublish/batchget's news_item). */
export interface ListedArticle {
  title: string;
  /** HTML. */
  content: string;
  url: string;
  isDeleted: boolean;
}

export interface ListedPublication {
  articleId: string;
  /** The publication's update_time. */
  updateTime: Date;
  articles: ListedArticle[];
}

export interface PublishedPage {
  totalCount: number;
  items: ListedPublication[];
}

/** What the sweep needs of an account's platform client (publication/official-account-client.ts). */
export interface SweepClient {
  listPublished(options: { offset: number; count: number; noContent: boolean }): Promise<PublishedPage>;
}

/** An article as this sweep saw it on the platform. */
export interface ArticleOnPlatform {
  key: string;
  articleId: string;
  index: number;
  title: string;
  /** Its text, read from the HTML as the approvals' text is read (article-html-rules). */
  text: string;
  url: string;
  publishedAt: Date;
  deleted: boolean;
}

export interface AccountListing {
  articles: ArticleOnPlatform[];
  /** Listed down to the horizon (or to the end): articles recorded within it and not seen are gone. */
  complete: boolean;
  /** Why the listing stopped early, in Chinese; '' when it did not. */
  error: string;
}

/** Lists the account's publications newest first, down to `horizon` (null: all of them). */
export async function listAccountArticles(
  client: SweepClient,
  accountId: string,
  horizon: Date | null,
  logger?: Logger,
): Promise<AccountListing> {
  const articles: ArticleOnPlatform[] = [];
  for (let offset = 0, pages = 1; ; offset += pageSize, pages += 1) {
    let page: PublishedPage;
    try {
      page = await client.listPublished({ offset, count: pageSize, noContent: false });
    } catch (error) {
      logger?.warn({ err: error, accountId, offset }, 'platform listing stopped early');
      const message = error instanceof AppError ? error.message : '平台接口暂时无法访问，请稍后再试';
      return { articles, complete: false, error: message };
    }
    for (const publication of page.items) {
      publication.articles.forEach((article, index) => {
        articles.push({
          key: articleKeyOf(accountId, publication.articleId, index),
          articleId: publication.articleId,
          index,
          title: article.title,
          text: readArticleHtml(article.content).text,
          url: article.url,
          publishedAt: publication.updateTime,
          deleted: article.isDeleted,
        });
      });
    }
    const updateTimes = page.items.map((publication) => publication.updateTime);
    if (!wantsNextPage({ updateTimes, offset, totalCount: page.totalCount }, horizon, pages)) {
      return { articles, complete: true, error: '' };
    }
  }
}
