/** Audit actions in words for the timeline and exports. Pure. */
const words: Record<string, string> = {
  'draft.submitted': '投稿',
  'draft.approved': '同意',
  'draft.rejected': '驳回',
  'draft.revised': '修改',
  'draft.withdrawn': '撤回',
  'draft.published': '登记发布',
  'draft.approval-revoked': '撤销同意',
  'draft.handed-over': '转交',
  // R10: publishing through the platform, its verification, and what the platform sweep saw since.
  'publication.submitted': '提交公众号发布',
  'publication.submission-failed': '发布提交未成功',
  'publication.finished': '平台已发布',
  'publication.verified': '发布核验一致',
  'publication.mismatch': '发布核验不一致',
  'publication.deleted': '文章在平台被删除',
  'publication.replaced': '文章在平台被改动',
};

/** The action in words; `details` tells a platform's failed result from its success. */
export function actionWord(action: string, details: Record<string, unknown> = {}): string {
  if (action === 'publication.finished' && typeof details.publishStatus === 'number' && details.publishStatus !== 0) {
    return '平台发布未成功';
  }
  return words[action] ?? action;
}
