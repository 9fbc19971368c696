/**
 * What a publication's status on the platform means for people (R10), pure: each `publish_status` of the
 * WeChat Official Account (freepublish/get and the PUBLISHJOBFINISH push) as a message to the submitter
 * and the approvers, and whether the draft stays approved and may be sent with 发布 again.
 */

/** publish_status as the platform reports it (../shared/WECHAT-OFFICIAL.md). */
export const publishStatusCodes = {
  published: 0,
  publishing: 1,
  originalityRefused: 2,
  failed: 3,
  platformReviewRefused: 4,
  deletedAfterwards: 5,
  bannedAfterwards: 6,
} as const;

/**
 * published: the article is out; publishing: not finished yet (ask again later); failed: not published,
 * the draft stays approved; removed: it was out and is no longer (deleted or banned); unknown: a status
 * this code does not know — a person checks the back office.
 */
export type PublishOutcome = 'published' | 'publishing' | 'failed' | 'removed' | 'unknown';

export interface PublishStatusReading {
  status: number;
  outcome: PublishOutcome;
  /** The draft stays approved and 发布 may be sent again (after a failure: nothing went out). */
  publishableAgain: boolean;
  /** The unit's admins and the account's 分管领导 are told too: the account may be in trouble. */
  alertsAdmins: boolean;
  /** The message to the submitter and the approvers (and the admins when `alertsAdmins`). */
  text: string;
}

export interface PublishContext {
  /** The draft's short code, for the command to send again. */
  code: string;
  /** How chat names the draft: "#K7Q2 《标题》" (draftHeading). */
  heading: string;
  accountName: string;
  /** The published article's address (from article_detail), '' when the platform gave none. */
  url: string;
}

export function readPublishStatus(status: number, context: PublishContext): PublishStatusReading {
  const { code, heading, url } = context;
  const account = `公众号“${context.accountName}”`;
  const stillApproved = `文章未发出，稿件仍为审核通过状态`;
  const reading = (
    outcome: PublishOutcome,
    text: string,
    flags: { publishableAgain?: boolean; alertsAdmins?: boolean } = {},
  ): PublishStatusReading => ({
    status,
    outcome,
    publishableAgain: flags.publishableAgain ?? false,
    alertsAdmins: flags.alertsAdmins ?? false,
    text,
  });
  switch (status) {
    case publishStatusCodes.published:
      return reading(
        'published',
        `【已发布】${heading} 已在${account}发布${url ? `：${url}` : ''}。系统将核对发布内容与审核通过的版本是否一致。`,
      );
    case publishStatusCodes.publishing:
      return reading('publishing', `${heading} 正在${account}发布，平台处理完成后会再通知您。`);
    case publishStatusCodes.originalityRefused:
      return reading(
        'failed',
        `【发布失败】${heading} 在${account}发布失败：原创声明未通过（平台认为本文不能声明原创，例如与已发表的文章相同或相近）。${stillApproved}。请确认本文是否应声明原创（转载、引用的内容不能声明），调整后再发送“发布 ${code}”。`,
        { publishableAgain: true },
      );
    case publishStatusCodes.failed:
      return reading(
        'failed',
        `【发布失败】${heading} 在${account}发布失败（平台常规失败，多为临时问题）。${stillApproved}，可稍后再发送“发布 ${code}”重试。`,
        { publishableAgain: true },
      );
    case publishStatusCodes.platformReviewRefused:
      return reading(
        'failed',
        `【发布失败】${heading} 未通过公众号平台审核，${stillApproved}。请在公众号后台查看平台给出的原因；需要改动内容的，请发送“修改 ${code}”重新审核后再发布，原样再发送“发布 ${code}”可能再次被拒。`,
        { publishableAgain: true },
      );
    case publishStatusCodes.deletedAfterwards:
      return reading(
        'removed',
        `【已删除】${heading} 在${account}发布后已被删除${url ? `（原链接：${url}）` : ''}。如非本单位有意删除，请立即核查账号安全，并报告分管领导。`,
        { alertsAdmins: true },
      );
    case publishStatusCodes.bannedAfterwards:
      return reading(
        'removed',
        `【已被平台屏蔽】${heading} 在${account}发布后被平台违规处理，读者已无法查看${url ? `（原链接：${url}）` : ''}。请登录公众号后台查看违规通知并按要求整改，同时报告分管领导。`,
        { alertsAdmins: true },
      );
    default:
      return reading(
        'unknown',
        `${heading} 在${account}的发布返回了未知状态（${status}），请登录公众号后台核实是否已发出。`,
      );
  }
}
