/** Who may act for whom while someone is on leave (delegations). Pure. */
import { ValidationError } from '../shared/errors';
import { unique } from '../shared/unique';

export interface DelegationPeriod {
  id: string;
  personId: string;
  delegateId: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  until: Date;
  createdAt: Date;
}

/** Longest leave a delegation may cover: a year; longer means the route itself should change. */
export const maxDelegationMs = 366 * 24 * 3600 * 1000;

export function covers(delegation: Pick<DelegationPeriod, 'from' | 'until'>, at: Date): boolean {
  return delegation.from.getTime() <= at.getTime() && at.getTime() < delegation.until.getTime();
}

/** The delegation of `personId` in force at `at`: of those covering that moment, the one set last. */
export function effectiveDelegation(
  delegations: readonly DelegationPeriod[],
  personId: string,
  at: Date,
): DelegationPeriod | null {
  let current: DelegationPeriod | null = null;
  for (const delegation of delegations) {
    if (delegation.personId !== personId || !covers(delegation, at)) continue;
    if (!current || setLater(delegation, current)) current = delegation;
  }
  return current;
}

function setLater(left: DelegationPeriod, right: DelegationPeriod): boolean {
  const difference = left.createdAt.getTime() - right.createdAt.getTime();
  return difference !== 0 ? difference > 0 : left.id > right.id;
}

/**
 * Who `delegateId` stands in for at `at`. Not transitive: a delegate of a delegate acts for nobody but
 * the person who chose them, so a decision always names one designated approver.
 */
export function principalsOf(delegations: readonly DelegationPeriod[], delegateId: string, at: Date): string[] {
  const candidates = unique(
    delegations.filter((d) => d.delegateId === delegateId && covers(d, at)).map((d) => d.personId),
  );
  return candidates.filter((personId) => effectiveDelegation(delegations, personId, at)?.delegateId === delegateId);
}

/** Whether `actorId` may decide as `principalId` at `at`: themselves, or their delegate in force. */
export function mayActFor(
  delegations: readonly DelegationPeriod[],
  actorId: string,
  principalId: string,
  at: Date,
): boolean {
  return actorId === principalId || effectiveDelegation(delegations, principalId, at)?.delegateId === actorId;
}

/** Throws DELEGATION_INVALID when a new delegation makes no sense. */
export function checkDelegation(input: {
  personId: string;
  delegateId: string;
  from: Date;
  until: Date;
  now: Date;
}): void {
  const invalid = (message: string) => new ValidationError('DELEGATION_INVALID', message);
  if (Number.isNaN(input.from.getTime()) || Number.isNaN(input.until.getTime())) throw invalid('代理的起止时间无效');
  if (input.personId === input.delegateId) throw invalid('不能指定本人为自己的代理人');
  if (input.until.getTime() <= input.from.getTime()) throw invalid('代理的结束时间应晚于开始时间');
  if (input.until.getTime() <= input.now.getTime()) throw invalid('代理的结束时间已过，请填写今后的时间');
  if (input.until.getTime() - input.from.getTime() > maxDelegationMs) {
    throw invalid('代理期限最长一年；长期由他人审核请调整审核路由');
  }
}

/** A delegation in force or planned that involves the person writing `取消代审`. */
export interface DelegationInvolvement {
  id: string;
  /** 'gave': the writer is on leave and `otherName` decides for them; 'holds': the writer decides for `otherName`. */
  side: 'gave' | 'holds';
  otherId: string;
  otherName: string;
}

export type DelegationsToEnd =
  | { kind: 'none'; name: string }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'chosen'; delegations: DelegationInvolvement[] };

/**
 * Which delegations `取消代审 [姓名]` ends: those with the named person, or all of them when only one
 * other person is involved; with several and no name, the writer must say whose.
 */
export function chooseDelegationsToEnd(involved: readonly DelegationInvolvement[], name: string): DelegationsToEnd {
  const wanted = name.trim();
  const chosen = wanted ? involved.filter((delegation) => delegation.otherName === wanted) : [...involved];
  if (chosen.length === 0) return { kind: 'none', name: wanted };
  const names = unique(chosen.map((delegation) => delegation.otherName));
  return names.length > 1 ? { kind: 'ambiguous', names } : { kind: 'chosen', delegations: chosen };
}
