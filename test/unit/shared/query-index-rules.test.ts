import { describeFilterShape, planQuery, toIndexKeys } from '../../../src/shared/query-index-rules';
import type { DeclaredIndex, QueryToPlan } from '../../../src/shared/query-index-rules';

const index = (name: string, keys: Record<string, 1 | -1>): DeclaredIndex => ({ name, keys: toIndexKeys(keys) });
const idIndex = index('_id_', { _id: 1 });

function query(filter: Record<string, unknown>, sort: Record<string, 1 | -1> = {}, limited = false): QueryToPlan {
  return { filter, sort: toIndexKeys(sort), limited };
}

describe('whether an index serves a query (MongoDB planner rules)', () => {
  const statusDue = index('status_1_notBefore_1', { status: 1, notBefore: 1 });

  test('when the filter binds the leading key, then that index serves it', () => {
    expect(planQuery(query({ status: 'pending' }), [idIndex, statusDue])).toEqual({
      served: true,
      index: 'status_1_notBefore_1',
    });
    expect(planQuery(query({ _id: 'x', revision: 3 }), [idIndex])).toEqual({ served: true, index: '_id_' });
  });

  test('when only a later key of the index is bound, then it does not serve, and the ESR index is suggested', () => {
    expect(planQuery(query({ notBefore: { $lte: new Date() } }), [idIndex, statusDue])).toEqual({
      served: false,
      reason: 'no index serves it',
      suggestion: '{ notBefore: 1 }',
    });
    expect(planQuery(query({ unitId: 'u', createdAt: { $gt: 1 } }, { name: 1 }), [idIndex])).toMatchObject({
      served: false,
      suggestion: '{ unitId: 1, name: 1, createdAt: 1 }',
    });
  });

  test('when the sort follows the equality prefix, then the index serves it, in either direction', () => {
    const byUnit = index('unitId_1_createdAt_-1', { unitId: 1, createdAt: -1 });
    expect(planQuery(query({ unitId: 'u' }, { createdAt: -1 }), [byUnit])).toMatchObject({ served: true });
    expect(planQuery(query({ unitId: 'u' }, { createdAt: 1 }), [byUnit])).toMatchObject({ served: true });
  });

  test('when a range key stands between the equality prefix and the sort, then the sort is left to memory: not served', () => {
    const rangeFirst = index('status_1_notBefore_1__id_1', { status: 1, notBefore: 1, _id: 1 });
    expect(planQuery(query({ status: 'p', notBefore: { $lte: 1 } }, { _id: 1 }), [rangeFirst])).toMatchObject({
      served: false,
      suggestion: '{ status: 1, _id: 1, notBefore: 1 }',
    });
    expect(
      planQuery(query({ status: 'p', notBefore: { $lte: 1 } }, { notBefore: 1, _id: 1 }), [rangeFirst]),
    ).toMatchObject({ served: true });
  });

  test('when sort directions are mixed against the index, then it does not serve', () => {
    const both = index('a_1_b_1', { a: 1, b: 1 });
    expect(planQuery(query({ a: { $gt: 0 } }, { a: 1, b: -1 }), [both])).toMatchObject({ served: false });
    expect(planQuery(query({ a: { $gt: 0 } }, { a: -1, b: -1 }), [both])).toMatchObject({ served: true });
  });

  test('when a sorted field is bound by equality, then it needs no place in the index', () => {
    const byPerson = index('personId_1_boundAt_-1', { personId: 1, boundAt: -1 });
    expect(planQuery(query({ personId: { $in: [1, 2] }, kind: 'chat' }, { kind: 1, boundAt: -1 }), [byPerson])).toEqual(
      {
        served: true,
        index: 'personId_1_boundAt_-1',
      },
    );
  });

  test('when the filter is an $or, then each branch needs an index of its own', () => {
    const byCode = index('code_1', { code: 1 });
    const byName = index('name_1', { name: 1 });
    const either = query({ $or: [{ code: 'c' }, { name: 'n' }] });
    expect(planQuery(either, [idIndex, byCode])).toMatchObject({
      served: false,
      reason: 'no index serves the $or branch { name }',
    });
    expect(planQuery(either, [idIndex, byCode, byName])).toEqual({ served: true, index: 'code_1 + name_1' });
  });

  test('when nothing is filtered, then only a limited query sorted by an index is served (the planner stops at the limit)', () => {
    expect(planQuery(query({}, { _id: -1 }, true), [idIndex])).toMatchObject({ served: true });
    expect(planQuery(query({}, { _id: -1 }), [idIndex])).toMatchObject({ served: false });
    expect(planQuery(query({}), [idIndex])).toMatchObject({ served: false });
  });

  test('when the filter only excludes ($ne, $exists), then it constrains nothing', () => {
    expect(planQuery(query({ status: { $ne: 'sent' } }), [statusDue])).toMatchObject({ served: false });
  });

  test('when several indexes serve, then the one that bounds most of the filter is named', () => {
    const sentOld = index('status_1_claimedAt_1', { status: 1, claimedAt: 1 });
    expect(planQuery(query({ status: 'sent', claimedAt: { $lt: 1 } }), [statusDue, sentOld])).toEqual({
      served: true,
      index: 'status_1_claimedAt_1',
    });
  });

  test('when the query has a hint, then only that index may serve it', () => {
    const byCode = index('code_1', { code: 1 });
    expect(planQuery({ ...query({ code: 'c' }), hint: '_id_' }, [idIndex, byCode])).toMatchObject({
      served: false,
      reason: "no index serves it (the query's hint names _id_)",
    });
  });
});

describe('the shape of a query', () => {
  test('when a filter is described, then its values become ? and its operators stay', () => {
    expect(
      describeFilterShape({
        $or: [{ status: '?', notBefore: { $lte: '?' } }, { status: '?' }],
        'subject.id': '?',
      }),
    ).toBe("{ $or: [{ status: ?, notBefore: { $lte: ? } }, { status: ? }], 'subject.id': ? }");
    expect(describeFilterShape({})).toBe('{}');
  });
});
