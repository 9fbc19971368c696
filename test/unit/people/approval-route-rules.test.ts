import { resolveApprovalRoute } from '../../../src/people/approval-route-rules';
import type { RouteDefinition, UnitNode } from '../../../src/people/approval-route-rules';

describe('approval route resolution', () => {
  // county (leader L0) → bureau (leader L1) → office (no leader)
  const units = new Map<string, UnitNode>([
    ['county', { id: 'county', parentId: null, mainLeaderId: 'L0' }],
    ['bureau', { id: 'bureau', parentId: 'county', mainLeaderId: 'L1' }],
    ['office', { id: 'office', parentId: 'bureau', mainLeaderId: null }],
  ]);
  const step = (approverIds: string[], mode: 'any' | 'all' = 'any', backupApproverIds: string[] = []) => ({
    mode,
    approverIds,
    backupApproverIds,
  });
  const unitRoute: RouteDefinition = {
    unitId: 'bureau',
    accountId: null,
    steps: [step(['S1'], 'any', ['B1']), step(['D1'])],
    ccIds: ['L1', 'officer'],
  };
  const accountRoute: RouteDefinition = { unitId: 'bureau', accountId: 'weibo', steps: [step(['D2'])], ccIds: [] };

  test('when the account has its own route, then that route is used', () => {
    const resolved = resolveApprovalRoute({
      unitId: 'bureau',
      accountId: 'weibo',
      submitterId: 'officer',
      units,
      routes: [unitRoute, accountRoute],
    });
    expect(resolved).toEqual({ steps: [step(['D2'])], ccIds: [] });
  });

  test('when the account has no route, then the unit route is used and the submitter is not informed twice', () => {
    const resolved = resolveApprovalRoute({
      unitId: 'bureau',
      accountId: 'wechat',
      submitterId: 'officer',
      units,
      routes: [unitRoute, accountRoute],
    });
    expect(resolved).toEqual({ steps: [step(['S1'], 'any', ['B1']), step(['D1'])], ccIds: ['L1'] });
  });

  test('when the unit has no route, then its main leader approves; a unit without one goes to the nearest up', () => {
    expect(resolveApprovalRoute({ unitId: 'bureau', submitterId: 'officer', units, routes: [] }).steps).toEqual([
      step(['L1']),
    ]);
    expect(
      resolveApprovalRoute({ unitId: 'office', submitterId: 'officer', units, routes: [unitRoute] }).steps,
    ).toEqual([step(['L1'])]);
  });

  test('when the submitter is the main leader, then the next leader up approves', () => {
    expect(resolveApprovalRoute({ unitId: 'bureau', submitterId: 'L1', units, routes: [] })).toEqual({
      steps: [step(['L0'])],
      ccIds: [],
    });
  });

  test('when the submitter is the only approver of a step, then that step goes to the unit leader', () => {
    const resolved = resolveApprovalRoute({ unitId: 'bureau', submitterId: 'S1', units, routes: [unitRoute] });
    expect(resolved.steps).toEqual([step(['L1'], 'any', ['B1']), step(['D1'])]);
  });

  test('when the leader who takes an emptied step is a backup of another step, then they are taken off it', () => {
    const route: RouteDefinition = { ...unitRoute, steps: [step(['S1']), step(['D1'], 'any', ['L1', 'B1'])] };
    const resolved = resolveApprovalRoute({ unitId: 'bureau', submitterId: 'S1', units, routes: [route] });
    expect(resolved.steps).toEqual([step(['L1']), step(['D1'], 'any', ['B1'])]);
  });

  test('when the leader who would take an emptied step already approves another step, then the step is dropped', () => {
    const route: RouteDefinition = { ...unitRoute, steps: [step(['S1']), step(['L1'])] };
    const resolved = resolveApprovalRoute({ unitId: 'bureau', submitterId: 'S1', units, routes: [route] });
    expect(resolved.steps).toEqual([step(['L1'])]);
  });

  test('when the submitter signs in a 会签 step, then the others still all sign', () => {
    const route: RouteDefinition = { ...unitRoute, steps: [step(['D1', 'S1', 'D2'], 'all')] };
    const resolved = resolveApprovalRoute({ unitId: 'bureau', submitterId: 'S1', units, routes: [route] });
    expect(resolved.steps).toEqual([step(['D1', 'D2'], 'all')]);
  });

  test('when an approver is inactive, then they are skipped like the submitter', () => {
    const resolved = resolveApprovalRoute({
      unitId: 'bureau',
      submitterId: 'officer',
      units,
      routes: [unitRoute],
      inactivePersonIds: new Set(['S1', 'B1']),
    });
    expect(resolved.steps).toEqual([step(['L1']), step(['D1'])]);
  });

  test('when nobody but the submitter could approve, then ROUTE_HAS_NO_APPROVER', () => {
    const lonely = new Map<string, UnitNode>([['county', { id: 'county', parentId: null, mainLeaderId: 'L0' }]]);
    expect(() => resolveApprovalRoute({ unitId: 'county', submitterId: 'L0', units: lonely, routes: [] })).toThrow(
      expect.objectContaining({ code: 'ROUTE_HAS_NO_APPROVER', status: 409 }),
    );
  });
});
