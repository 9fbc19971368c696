/**
 * What the platform sweep recorded, as the inspection readiness report reads it (R10 in 考核自查): which
 * accounts are connected, and their articles that were published without approval, differ from the
 * approved text (at first sight or replaced since), or carry a serious wrong expression — as recorded by
 * a date.
 */
import { Types } from 'mongoose';
import { PlatformArticleModel } from './platform-article-model';
import type { PlatformArticle } from './platform-article-model';
import { OfficialAccountConnectionModel } from './official-account-connection-model';
import type { ConnectionState } from './official-account-connection-rules';

export interface ArticleAtDate {
  id: string;
  accountId: string;
  title: string;
  url: string;
  publishedAt: Date;
  /** A verified article replaced on the platform since counts as not the approved text. */
  finding: 'verified' | 'mismatch' | 'unapproved';
  draftId: string | null;
  seriousExpressions: string[];
}

const setStates: ConnectionState[] = ['untested', 'connected', 'failed'];

/** The accounts among these whose connection to the platform is set (the sweep reads them). */
export async function connectedAmong(accountIds: string[]): Promise<Set<string>> {
  const connections = await OfficialAccountConnectionModel.find(
    { _id: { $in: accountIds.map((id) => new Types.ObjectId(id)) } },
    { state: 1 },
  ).lean();
  return new Set(
    connections
      .filter((connection) => setStates.includes(connection.state))
      .map((connection) => String(connection._id)),
  );
}

/** The accounts' articles published in (from, at] and first seen by `at` that an inspection would fault. */
export async function faultedArticlesAtDate(accountIds: string[], from: Date, at: Date): Promise<ArticleAtDate[]> {
  const articles = await PlatformArticleModel.find(
    { accountId: { $in: accountIds.map((id) => new Types.ObjectId(id)) }, publishedAt: { $gt: from, $lte: at } },
    {
      accountId: 1,
      title: 1,
      url: 1,
      publishedAt: 1,
      finding: 1,
      draftId: 1,
      deleted: 1,
      replacedBy: 1,
      firstSeenAt: 1,
      seriousExpressions: 1,
    },
  )
    .batchSize(10_000)
    .lean<PlatformArticle[]>();
  return articles
    .filter((article) => article.firstSeenAt <= at)
    .map((article): ArticleAtDate => ({
      id: String(article._id),
      accountId: String(article.accountId),
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt,
      finding: article.finding === 'verified' && article.replacedBy ? 'mismatch' : article.finding,
      draftId: article.draftId ? String(article.draftId) : null,
      seriousExpressions: article.seriousExpressions ?? [],
    }))
    .filter((article) => article.finding !== 'verified' || article.seriousExpressions.length > 0);
}
