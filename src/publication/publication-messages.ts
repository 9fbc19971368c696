/**
 * The Chinese texts about publishing through a platform, pure: the answer to 发布, what the officer and
 * the approvers are told of the result, and the lines 查看 shows. The verification's own messages (the
 * difference word by word) are article-diff-rules'.
 */
import type { Publication, PublicationState } from './publication-model';

export const publicationStateWords: Record<PublicationState, string> = {
  submitting: '提交中',
  publishing: '发布中',
  published: '已发布，核验中',
  failed: '未成功',
  verified: '已发布，核验一致',
  mismatch: '已发布，核验不一致',
};

/** What a platform's publish_status means to the officer (2–6 leave the article unpublished or gone). */
export function publishStatusMessage(status: number): string {
  switch (status) {
    case 2:
      return '原创声明未通过，文章未发布';
    case 3:
      return '平台发布失败（常规失败），文章未发布';
    case 4:
      return '未通过平台审核，文章未发布；请在公众号后台「发表记录」中查看原因';
    case 5:
      return '文章发布后已被删除';
    case 6:
      return '文章已被平台封禁';
    default:
      return `平台返回发布状态 ${status}，文章未发布`;
  }
}

export interface PublicationHeading {
  /** "#K7Q2 《标题》" (draftHeading). */
  heading: string;
  accountName: string;
}

/** The answer to 发布 (or the submitter's notice of an automatic publication). */
export function describeSubmitted({ heading, accountName }: PublicationHeading, automatic: boolean): string {
  return [
    `${automatic ? '审核已通过，已自动提交发布' : '已提交发布'}：${heading} → 公众号“${accountName}”。`,
    '平台处理通常需要几分钟，发布结果和核验结果会通知您和审核领导。',
  ].join('\n');
}

/** A failed attempt, to the submitter and the approvers: why, and that the draft can go again. */
export function describeFailure(
  { heading, accountName }: PublicationHeading,
  code: string,
  failure: NonNullable<Publication['failure']>,
): string {
  return [
    `【发布未成功】${heading} 在公众号“${accountName}”：${failure.message}。`,
    `稿件仍为审核通过状态，处理后可再次发送“发布 ${code}”；如需修改内容，请发送“修改 ${code}”重新审核。`,
  ].join('\n');
}

/** The article was deleted on the platform when it was verified: to the submitter, the approvers and the admins. */
export function describeDeleted(publication: PublicationHeading & { versionNumber: number; url: string }): string {
  return [
    `【发布核验不一致】${publication.heading} 在公众号“${publication.accountName}”上已被删除（审核通过的第${publication.versionNumber}版）：${publication.url}`,
    '请核实是谁、为何删除；如需重新发布，请发送“修改”重新审核后再发布。',
  ].join('\n');
}

/** An automatic publication that could not be submitted, to the submitter. */
export function describeAutomaticRefused(
  { heading }: Pick<PublicationHeading, 'heading'>,
  code: string,
  reason: string,
) {
  return `【自动发布未成功】${heading}：${reason}\n稿件仍为审核通过状态，处理后可发送“发布 ${code}”。`;
}

/** 查看's lines about the draft's latest attempt; none when it was never published through a platform. */
export function describeForView(publication: Publication | null, code: string): string[] {
  if (!publication) return [];
  const version = `第${publication.versionNumber}版`;
  switch (publication.state) {
    case 'submitting':
    case 'publishing':
      return [`公众号发布：${version}发布中，等待平台返回结果`];
    case 'published':
      return [`公众号发布：${version}已发布 ${publication.articleUrl}`, '发布核验：核验中'];
    case 'verified':
      return [`公众号发布：${version}已发布 ${publication.articleUrl}`, `发布核验：与审核通过的${version}一致`];
    case 'mismatch':
      return [
        `公众号发布：${version}已发布 ${publication.articleUrl}`,
        `发布核验：与审核通过的${version}有 ${publication.verification?.placeCount ?? 0} 处不同，已通知投稿人、审核领导和管理员`,
      ];
    case 'failed':
      return [`公众号发布：未成功（${publication.failure?.message ?? ''}），可再次发送“发布 ${code}”`];
  }
}
