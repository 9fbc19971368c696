import {
  checkDelegation,
  chooseDelegationsToEnd,
  effectiveDelegation,
  mayActFor,
  principalsOf,
} from '../../../src/people/delegation-rules';
import type { DelegationInvolvement, DelegationPeriod } from '../../../src/people/delegation-rules';

describe('delegations', () => {
  const at = (text: string) => new Date(`2026-12-${text}:00+08:00`);
  const delegation = (overrides: Partial<DelegationPeriod>): DelegationPeriod => ({
    id: 'd1',
    personId: 'leader',
    delegateId: 'deputy',
    from: at('01T00:00'),
    until: at('08T00:00'),
    createdAt: at('01T00:00'),
    ...overrides,
  });

  test('when a delegation runs, then the delegate may act from its start up to (not at) its end', () => {
    const delegations = [delegation({})];
    expect(mayActFor(delegations, 'deputy', 'leader', at('01T00:00'))).toBe(true);
    expect(mayActFor(delegations, 'deputy', 'leader', at('07T23:59'))).toBe(true);
    expect(mayActFor(delegations, 'deputy', 'leader', at('08T00:00'))).toBe(false);
    expect(mayActFor(delegations, 'leader', 'leader', at('20T00:00'))).toBe(true);
  });

  test('when periods overlap, then the delegation set last applies', () => {
    const first = delegation({});
    const second = delegation({ id: 'd2', delegateId: 'other', from: at('05T00:00'), createdAt: at('02T00:00') });
    expect(effectiveDelegation([second, first], 'leader', at('04T00:00'))?.delegateId).toBe('deputy');
    expect(effectiveDelegation([first, second], 'leader', at('05T00:00'))?.delegateId).toBe('other');
    expect(principalsOf([first, second], 'deputy', at('06T00:00'))).toEqual([]);
  });

  test('when a delegate has a delegate, then the second acts only for the first (not transitive)', () => {
    const delegations = [delegation({}), delegation({ id: 'd2', personId: 'deputy', delegateId: 'clerk' })];
    expect(principalsOf(delegations, 'clerk', at('03T00:00'))).toEqual(['deputy']);
  });

  test('when a delegation makes no sense, then DELEGATION_INVALID says why', () => {
    const base = { personId: 'a', delegateId: 'b', from: at('01T00:00'), until: at('08T00:00'), now: at('01T00:00') };
    expect(() => checkDelegation(base)).not.toThrow();
    expect(() => checkDelegation({ ...base, delegateId: 'a' })).toThrow('不能指定本人为自己的代理人');
    expect(() => checkDelegation({ ...base, until: base.from })).toThrow('结束时间应晚于开始时间');
    expect(() => checkDelegation({ ...base, now: at('09T00:00') })).toThrow('结束时间已过');
  });
});

describe('取消代审: which delegations end', () => {
  const involved: DelegationInvolvement[] = [
    { id: 'a', side: 'gave', otherId: 'p1', otherName: '王建华' },
    { id: 'b', side: 'gave', otherId: 'p1', otherName: '王建华' },
    { id: 'c', side: 'holds', otherId: 'p2', otherName: '李静' },
  ];

  test('when a name is given, then only the delegations with that person end', () => {
    expect(chooseDelegationsToEnd(involved, ' 王建华 ')).toEqual({ kind: 'chosen', delegations: involved.slice(0, 2) });
    expect(chooseDelegationsToEnd(involved, '李静')).toEqual({ kind: 'chosen', delegations: [involved[2]] });
  });

  test('when no name is given and only one other person is involved, then all of theirs end', () => {
    expect(chooseDelegationsToEnd(involved.slice(0, 2), '')).toEqual({
      kind: 'chosen',
      delegations: involved.slice(0, 2),
    });
  });

  test('when no name is given and several people are involved, then nothing is chosen and their names are listed', () => {
    expect(chooseDelegationsToEnd(involved, '')).toEqual({ kind: 'ambiguous', names: ['王建华', '李静'] });
  });

  test('when the name matches nobody involved, then nothing ends', () => {
    expect(chooseDelegationsToEnd(involved, '张三')).toEqual({ kind: 'none', name: '张三' });
  });
});
