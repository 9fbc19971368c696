/**
 * The registry's words (R4): platforms, account statuses, closure steps and filing kinds. Both the
 * model (its enums) and the pure rules use them; they live apart from the model so the rules need not
 * import it (importing a model registers it with the database layer).
 */
export const accountPlatforms = [
  'wechat-official-account',
  'wechat-channels',
  'weibo',
  'toutiao',
  'douyin',
  'kuaishou',
  'app',
  'other',
] as const;
export type AccountPlatform = (typeof accountPlatforms)[number];

/** applying → active (or rejected) → closing → closed. */
export const accountStatuses = ['applying', 'rejected', 'active', 'closing', 'closed'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export const closureSteps = ['requested', 'approved', 'stop-notice-published', 'platform-cancelled', 'filed'] as const;
export type ClosureStep = (typeof closureSteps)[number];

export const filingKinds = ['opening', 'leader-change', 'admin-change', 'closure'] as const;
export type FilingKind = (typeof filingKinds)[number];
