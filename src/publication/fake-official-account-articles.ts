/**
 * What the fake Official Account platform holds, for every account it hosts: uploaded images, the draft
 * box, publication jobs and published articles (by the API or by hand in the back office), and the
 * answers freepublish/get, getarticle and batchget give about them. In memory; used only by the fake.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock';

export interface FakeArticleItem {
  title: string;
  author: string;
  digest: string;
  content: string;
  url: string;
  thumbMediaId: string;
  contentSourceUrl: string;
}

/** One publication (an article_id): its articles, in order. */
export interface FakeArticle {
  articleId: string;
  appId: string;
  /** The job that published it; null for a back-office post. */
  publishId: string | null;
  /** ms since the epoch. */
  updateTime: number;
  /** 0 while visible; 5 deleted by the account; 6 banned by the platform. */
  gone: 0 | 5 | 6;
  items: FakeArticleItem[];
}

export interface FakeDraft {
  mediaId: string;
  appId: string;
  articles: (Omit<FakeArticleItem, 'url'> & { filteredImages: number })[];
}

export interface FakePublishJob {
  publishId: string;
  msgDataId: string;
  appId: string;
  draftMediaId: string;
  /** 1 publishing, then the outcome. */
  status: number;
  articleId: string | null;
  articleUrls: string[];
  failedIndexes: number[];
}

type Answer = Record<string, unknown>;

export class FakePublishedArticles {
  private readonly images = new Map<string, { appId: string; permanent: boolean; bytes: number; url: string }>();
  private readonly drafts = new Map<string, FakeDraft>();
  private readonly jobs = new Map<string, FakePublishJob>();
  private readonly articles = new Map<string, FakeArticle>();
  private readonly byAccount = new Map<string, FakeArticle[]>();
  private nextPublishId = 2_247_503_051;

  constructor(private readonly clock: Clock) {}

  /** An uploaded image: its platform-hosted URL, and a media_id when it is a permanent material. */
  storeImage(appId: string, bytes: Buffer, name: string, permanent: boolean): { url: string; mediaId: string } {
    const mediaId = randomBytes(16).toString('base64url');
    const format = /\.png$/i.test(name) ? 'png' : 'jpg';
    const url = `http://mmbiz.qpic.cn/mmbiz_${format}/${randomBytes(12).toString('hex')}/0?wx_fmt=${format}`;
    this.images.set(mediaId, { appId, permanent, bytes: bytes.length, url });
    return { url, mediaId };
  }

  isPermanentImage(appId: string, mediaId: string): boolean {
    const image = this.images.get(mediaId);
    return image?.permanent === true && image.appId === appId;
  }

  addDraft(appId: string, articles: FakeDraft['articles']): string {
    const mediaId = randomBytes(16).toString('base64url');
    this.drafts.set(mediaId, { mediaId, appId, articles });
    return mediaId;
  }

  draft(mediaId: string): FakeDraft | undefined {
    return this.drafts.get(mediaId);
  }

  submit(draft: FakeDraft): FakePublishJob {
    this.nextPublishId += 1;
    const job: FakePublishJob = {
      publishId: String(this.nextPublishId),
      msgDataId: String(this.nextPublishId + 1_000_000_000),
      appId: draft.appId,
      draftMediaId: draft.mediaId,
      status: 1,
      articleId: null,
      articleUrls: [],
      failedIndexes: [],
    };
    this.jobs.set(job.publishId, job);
    return job;
  }

  job(publishId: string): FakePublishJob | undefined {
    return this.jobs.get(publishId);
  }

  /** Ends a job with `status`; on success (or 5/6, success then gone) the articles go out, edited by `edit`. */
  finish(job: FakePublishJob, status: number, edit?: (content: string) => string): void {
    const draft = this.drafts.get(job.draftMediaId);
    if (!draft || !(status === 0 || status >= 5)) {
      job.status = status;
      job.failedIndexes = (draft?.articles ?? [null]).map((_, index) => index + 1);
      return;
    }
    const items = draft.articles.map((article, index) => ({
      title: article.title,
      author: article.author,
      digest: article.digest,
      content: index === 0 && edit ? edit(article.content) : article.content,
      thumbMediaId: article.thumbMediaId,
      contentSourceUrl: article.contentSourceUrl,
    }));
    const published = this.publish(job.appId, items, undefined, job.publishId);
    job.status = 0;
    job.articleId = published.articleId;
    job.articleUrls = published.items.map((item) => item.url);
    this.drafts.delete(draft.mediaId);
    if (status >= 5) this.markGone(published.articleId, status === 5 ? 5 : 6);
  }

  /** Articles go out now (or at `at`): from a job, or by hand in the back office. */
  publish(
    appId: string,
    items: (Pick<FakeArticleItem, 'title' | 'author' | 'digest' | 'content'> &
      Partial<Pick<FakeArticleItem, 'thumbMediaId' | 'contentSourceUrl'>>)[],
    at?: Date,
    publishId: string | null = null,
  ): FakeArticle {
    const article: FakeArticle = {
      articleId: randomBytes(24).toString('base64url'),
      appId,
      publishId,
      updateTime: (at ?? this.clock.now()).getTime(),
      gone: 0,
      items: items.map((item) => ({
        thumbMediaId: '',
        contentSourceUrl: '',
        ...item,
        url: `https://mp.weixin.qq.com/s/${randomBytes(16).toString('base64url')}`,
      })),
    };
    this.articles.set(article.articleId, article);
    this.byAccount.set(appId, [...(this.byAccount.get(appId) ?? []), article]);
    return article;
  }

  article(articleId: string): FakeArticle | undefined {
    return this.articles.get(articleId);
  }

  /** The account's publications, oldest first. */
  published(appId: string): FakeArticle[] {
    return [...(this.byAccount.get(appId) ?? [])];
  }

  edit(articleId: string, index: number, content: string): void {
    const item = this.articles.get(articleId)?.items[index];
    if (!item) throw new Error(`no article ${articleId} #${index}`);
    item.content = content;
    this.touch(articleId);
  }

  markGone(articleId: string, status: 5 | 6): void {
    const article = this.articles.get(articleId);
    if (!article) throw new Error(`no article ${articleId}`);
    article.gone = status;
    this.touch(articleId);
    const job = article.publishId ? this.jobs.get(article.publishId) : undefined;
    if (job) job.status = status;
  }

  jobAnswer(job: FakePublishJob): Answer {
    return {
      publish_id: job.publishId,
      publish_status: job.status,
      article_id: job.articleId ?? '',
      article_detail: {
        count: job.articleUrls.length,
        item: job.articleUrls.map((url, index) => ({ idx: index + 1, article_url: url })),
      },
      fail_idx: job.failedIndexes,
    };
  }

  newsItems(article: FakeArticle, noContent: boolean): Answer[] {
    return article.items.map((item) => ({
      title: item.title,
      author: item.author,
      digest: item.digest,
      content: noContent ? '' : item.content,
      content_source_url: item.contentSourceUrl,
      thumb_media_id: item.thumbMediaId,
      thumb_url: '',
      need_open_comment: 0,
      only_fans_can_comment: 0,
      url: item.url,
      is_deleted: article.gone !== 0,
    }));
  }

  /** One page of freepublish/batchget: newest first; a banned publication is no longer listed. */
  list(appId: string, offset: number, count: number, noContent: boolean): Answer {
    const listed = (this.byAccount.get(appId) ?? [])
      .filter((article) => article.gone !== 6)
      .sort((left, right) => right.updateTime - left.updateTime);
    const page = listed.slice(offset, offset + count);
    return {
      total_count: listed.length,
      item_count: page.length,
      item: page.map((article) => ({
        article_id: article.articleId,
        content: {
          news_item: this.newsItems(article, noContent),
          create_time: Math.floor(article.updateTime / 1000),
          update_time: Math.floor(article.updateTime / 1000),
        },
        update_time: Math.floor(article.updateTime / 1000),
      })),
    };
  }

  private touch(articleId: string): void {
    const article = this.articles.get(articleId);
    if (article) article.updateTime = Math.max(this.clock.now().getTime(), article.updateTime + 1000);
  }
}
