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
};

export function actionWord(action: string): string {
  return words[action] ?? action;
}
