/**
 * Inquiry settings per unit and per account, pure. Local rules differ (acknowledge in 3 or 4 working
 * hours, answer in 5 or 7 working days): a unit's own deadlines apply to it and to the units below it
 * (the nearest unit up the tree that has them decides, field by field), over the configured defaults.
 * An account sets only its acknowledgement: whether it goes out automatically, and its wording.
 */
import { inquiryKinds } from './inquiry-rules';
import type { InquiryKind, InquiryPolicy } from './inquiry-rules';

/** A unit answering inquiries of an account: the pair a policy is resolved for. */
export interface UnitAndAccount {
  unitId: string;
  accountId: string | null;
}

export function unitAndAccountKey(pair: UnitAndAccount): string {
  return `${pair.unitId}:${pair.accountId ?? ''}`;
}

/** What a unit may set: the deadlines. */
export interface UnitInquirySettings {
  acknowledgeWorkingHours?: number;
  answerWorkingDays?: Partial<Record<InquiryKind, number>>;
  maxWorkingDays?: number;
  /** Answers go out only after the unit's approval route approved them. */
  answerApproval?: boolean;
}

/** What an account may set: its acknowledgement. */
export interface AccountInquirySettings {
  autoAcknowledge?: boolean;
  acknowledgementTemplate?: string;
}

/**
 * The policy in force for an inquiry: the defaults, then each unit's own settings from the root down to
 * the answering unit (`unitLayers`, root first), then the account's acknowledgement.
 */
export function resolveInquiryPolicy(
  defaults: InquiryPolicy,
  unitLayers: readonly UnitInquirySettings[],
  account: AccountInquirySettings | null,
): InquiryPolicy {
  let policy: InquiryPolicy = { ...defaults, answerWorkingDays: { ...defaults.answerWorkingDays } };
  for (const layer of unitLayers) {
    policy = {
      ...policy,
      acknowledgeWorkingHours: layer.acknowledgeWorkingHours ?? policy.acknowledgeWorkingHours,
      maxWorkingDays: layer.maxWorkingDays ?? policy.maxWorkingDays,
      answerApproval: layer.answerApproval ?? policy.answerApproval,
      answerWorkingDays: { ...policy.answerWorkingDays, ...definedOnly(layer.answerWorkingDays ?? {}) },
    };
  }
  return {
    ...policy,
    autoAcknowledge: account?.autoAcknowledge ?? policy.autoAcknowledge,
    acknowledgementTemplate: account?.acknowledgementTemplate || policy.acknowledgementTemplate,
  };
}

function definedOnly(days: Partial<Record<InquiryKind, number>>): Partial<Record<InquiryKind, number>> {
  return Object.fromEntries(Object.entries(days).filter(([, value]) => value !== undefined));
}

/** Why a unit's settings cannot be used, in Chinese; null when they can. */
export function checkUnitInquirySettings(settings: UnitInquirySettings, inForce: InquiryPolicy): string | null {
  const hours = settings.acknowledgeWorkingHours;
  if (hours !== undefined && !(hours > 0 && hours <= 40)) return '知晓回复时限应在 0 到 40 个工作小时之间';
  const days = { ...inForce.answerWorkingDays, ...definedOnly(settings.answerWorkingDays ?? {}) };
  const longest = settings.maxWorkingDays ?? inForce.maxWorkingDays;
  if (!(Number.isInteger(longest) && longest >= 1 && longest <= 60)) return '最长答复期限应为 1 到 60 个工作日';
  for (const kind of inquiryKinds) {
    if (!(Number.isInteger(days[kind]) && days[kind] >= 1)) return '答复期限应为至少 1 个工作日的整数';
    if (days[kind] > longest) return `答复期限不能超过最长答复期限（${longest} 个工作日）`;
  }
  return null;
}

/** Why an account's acknowledgement cannot be used, in Chinese; null when it can. */
export function checkAccountInquirySettings(settings: AccountInquirySettings): string | null {
  const template = settings.acknowledgementTemplate;
  if (template === undefined || template === '') return null;
  if (!template.includes('{date}'))
    return '知晓性回复须含 {date}（承诺的答复日期），例如：您的留言已收到，我们将于{date}前答复。';
  if (template.length > 300) return '知晓性回复不能超过300字';
  return null;
}
