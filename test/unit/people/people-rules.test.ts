import fs from 'node:fs';
import path from 'node:path';
import {
  adminScopeOf,
  scopeCoversUnit,
  bindCodeState,
  checkDelegation,
  effectiveDelegation,
  formatWallTime,
  hashBindCode,
  mayActFor,
  normalizeBindCode,
  parseOrganizationFile,
  parseWallTime,
  principalsOf,
  resolveApprovalRoute,
} from '../../../src/people/people-rules';
import type { DelegationPeriod, RouteDefinition, UnitNode } from '../../../src/people/people-rules';

const docs = path.resolve(__dirname, '..', '..', '..', 'docs');
const sampleJson = fs.readFileSync(path.join(docs, 'sample-organization.json'), 'utf8');
const sampleCsv = fs.readFileSync(path.join(docs, 'sample-organization.csv'), 'utf8');

function fileError(content: string, format: 'json' | 'csv' = 'json'): string {
  try {
    parseOrganizationFile(content, format);
  } catch (error) {
    expect(error).toMatchObject({ code: 'ORGANIZATION_FILE_INVALID', status: 400 });
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

const json = (value: unknown) => JSON.stringify(value);
const county = { path: '某县人民政府', kind: '政府' };

describe('the organization file', () => {
  test('when the sample JSON is read, then units come parents first and every reference becomes a natural key', () => {
    const organization = parseOrganizationFile(sampleJson, 'json');

    expect(organization.units.map((unit) => unit.path)).toEqual([
      '某县人民政府',
      '某县人民政府/县政府办公室',
      '某县人民政府/县应急管理局',
      '某县人民政府/县教育局',
      '某县人民政府/青山镇人民政府',
      '某县人民政府/青山镇人民政府/党政办公室',
    ]);
    expect(organization.units[0]).toEqual({
      path: '某县人民政府',
      name: '某县人民政府',
      parentPath: null,
      kind: 'government',
      mainLeaderKey: 'code:XZF001',
    });
    expect(organization.people.find((person) => person.name === '林小燕')).toMatchObject({
      importKey: 'name:某县人民政府/青山镇人民政府#林小燕',
      roles: ['leader'],
      active: true,
    });
    expect(organization.people.find((person) => person.name === '李静')).toMatchObject({
      roles: ['admin'],
      adminOfPath: '某县人民政府',
    });
    expect(organization.routes[1]).toMatchObject({
      unitPath: '某县人民政府/县教育局',
      account: null,
      steps: [
        { mode: 'all', approverKeys: ['code:JYJ002', 'code:JYJ003'], backupKeys: [] },
        { mode: 'any', approverKeys: ['code:JYJ001'], backupKeys: [] },
      ],
      ccKeys: ['code:ZFB002'],
    });
  });

  test('when the sample CSV is read, then it describes the same organization as the sample JSON', () => {
    const withoutLocations = (content: string, format: 'json' | 'csv') => {
      const organization = parseOrganizationFile(content, format);
      return { ...organization, routes: organization.routes.map(({ location: _location, ...route }) => route) };
    };
    expect(withoutLocations(sampleCsv, 'csv')).toEqual(withoutLocations(sampleJson, 'json'));
  });

  test('when paths use full-width slashes and spaces and values use English or Chinese names, then they are normalised', () => {
    const organization = parseOrganizationFile(
      json({
        units: [
          { path: ' 某县人民政府 ', kind: 'GOVERNMENT', mainLeader: '陈志远' },
          { path: '某县人民政府 ／ 县教育局', kind: '部门' },
        ],
        people: [
          { name: '陈志远', unit: '某县人民政府', roles: '审核领导、信息员', active: '是' },
          { name: '何　晓', unit: '某县人民政府／县教育局', roles: ['officer'], active: '否' },
        ],
      }),
      'json',
    );
    expect(organization.units.map((unit) => unit.path)).toEqual(['某县人民政府', '某县人民政府/县教育局']);
    expect(organization.people.map(({ name, roles, active }) => ({ name, roles, active }))).toEqual([
      { name: '陈志远', roles: ['leader', 'officer'], active: true },
      { name: '何 晓', roles: ['officer'], active: false },
    ]);
  });

  test('when two people share a name, then a reference by that name asks for their code', () => {
    const message = fileError(
      json({
        units: [{ ...county, mainLeader: '张伟' }],
        people: [
          { name: '张伟', code: 'A1', unit: '某县人民政府', roles: ['领导'] },
          { name: '张伟', code: 'A2', unit: '某县人民政府', roles: ['领导'] },
        ],
      }),
    );
    expect(message).toBe(
      '组织架构文件有误：单位第 1 条（某县人民政府）的“主要领导”：文件中有 2 位“张伟”，请改用编码指明是哪一位',
    );
  });

  test('when two people of one unit share a name and have no code, then the file asks for codes', () => {
    const message = fileError(
      json({
        units: [county],
        people: [
          { name: '张伟', unit: '某县人民政府', roles: ['信息员'] },
          { name: '张伟', unit: '某县人民政府', roles: ['信息员'] },
        ],
      }),
    );
    expect(message).toContain('人员第 2 条（张伟）的“姓名”：“某县人民政府”下有两位“张伟”，请为他们分别填写编码');
  });

  test('when an approver is not a leader, then the file is refused naming the person and the step', () => {
    const message = fileError(
      json({
        units: [county],
        people: [{ name: '蒋明', unit: '某县人民政府', roles: ['信息员'] }],
        routes: [{ unit: '某县人民政府', steps: [{ approvers: ['蒋明'] }] }],
      }),
    );
    expect(message).toBe(
      '组织架构文件有误：审核路由第 1 条（某县人民政府）第 1 步的“审核人”：“蒋明”的角色中没有“审核领导”，不能审核稿件',
    );
  });

  test('when an admin has no scope, or a unit has no listed parent, or a field is unknown, then each is named', () => {
    expect(
      fileError(json({ units: [county], people: [{ name: '李静', unit: '某县人民政府', roles: ['管理员'] }] })),
    ).toContain('管理员“李静”须填写管理范围');
    expect(fileError(json({ units: [{ path: '某县人民政府/县教育局', kind: '部门' }] }))).toContain(
      '上级单位“某县人民政府”未在文件中列出',
    );
    expect(fileError(json({ units: [county], peple: [] }))).toBe('组织架构文件有误：文件顶层：有未知字段：peple');
    expect(fileError(json({ units: [county, county] }))).toContain('单位“某县人民政府”重复出现');
    expect(fileError('{"units": [')).toMatch(/^组织架构文件有误：不是有效的 JSON/);
  });

  test('when a CSV row has its cells shifted, then the problem names the line', () => {
    const csv = ['类型,单位路径,类别,姓名,角色', '单位,某县人民政府,政府,,', '人员,某县人民政府,信息员,蒋明,'].join(
      '\n',
    );
    expect(fileError(csv, 'csv')).toBe('组织架构文件有误：第 3 行：人员行不应填写“类别”，请检查各列是否错位');
  });

  test('when a CSV value is invalid, then the problem names the line and the column', () => {
    const csv = ['类型,单位路径,类别,姓名,角色', '单位,某县人民政府,政府,,', '', '人员,某县人民政府,,蒋明,编辑'].join(
      '\n',
    );
    expect(fileError(csv, 'csv')).toBe('组织架构文件有误：第 4 行的“角色”：“编辑”无效，可选：信息员、审核领导、管理员');
  });

  test('when CSV route steps come out of order, then they are ordered; a gap is refused', () => {
    const header = '类型,单位路径,类别,主要领导,姓名,角色,步骤,方式,审核人,抄送';
    const rows = [
      header,
      '单位,某县人民政府,政府,甲,,,,,,',
      '人员,某县人民政府,,,甲,审核领导,,,,',
      '人员,某县人民政府,,,乙,审核领导,,,,',
      '路由,某县人民政府,,,,,2,或签,甲,乙',
      '路由,某县人民政府,,,,,1,会签,"甲,乙",甲',
    ];
    const organization = parseOrganizationFile(rows.join('\n'), 'csv');
    expect(organization.routes[0]).toMatchObject({
      steps: [
        { mode: 'all', approverKeys: ['name:某县人民政府#甲', 'name:某县人民政府#乙'] },
        { mode: 'any', approverKeys: ['name:某县人民政府#甲'] },
      ],
      ccKeys: ['name:某县人民政府#乙', 'name:某县人民政府#甲'],
    });
    const gap = [...rows.slice(0, 4), '路由,某县人民政府,,,,,2,或签,甲,'].join('\n');
    expect(fileError(gap, 'csv')).toBe('组织架构文件有误：第 5 行的“步骤”：步骤应从 1 起连续编号，缺少第 1 步');
  });
});

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

describe('bind codes and dates', () => {
  test('when a code is typed with full-width digits or spaces, then it is read; anything else is not a code', () => {
    expect(normalizeBindCode('１２３ ４５６')).toBe('123456');
    expect(normalizeBindCode('12345')).toBeNull();
    expect(hashBindCode('123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashBindCode('123456')).not.toContain('123456');
  });

  test('when a code is used, voided or past its expiry, then its state says so', () => {
    const expiresAt = new Date('2026-11-27T00:00:00Z');
    const now = new Date('2026-11-26T00:00:00Z');
    expect(bindCodeState({ usedAt: null, revokedAt: null, expiresAt }, now)).toBe('usable');
    expect(bindCodeState({ usedAt: now, revokedAt: null, expiresAt }, now)).toBe('used');
    expect(bindCodeState({ usedAt: null, revokedAt: now, expiresAt }, now)).toBe('revoked');
    expect(bindCodeState({ usedAt: null, revokedAt: null, expiresAt }, expiresAt)).toBe('expired');
  });

  test('when an admin types dates, then they are read in Beijing time; a date alone as an end includes that day', () => {
    expect(parseWallTime('2026-12-01', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseWallTime('2026/12/7', 'Asia/Shanghai', { endOfDay: true })?.toISOString()).toBe(
      '2026-12-07T16:00:00.000Z',
    );
    expect(parseWallTime('2026年12月1日', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseWallTime('2026-12-01T09:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T01:30:00.000Z');
    expect(parseWallTime('2026-12-31', 'Asia/Shanghai', { endOfDay: true })?.toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    );
    expect(parseWallTime('2026-02-30', 'Asia/Shanghai')).toBeNull();
    expect(parseWallTime('下周一', 'Asia/Shanghai')).toBeNull();
    expect(formatWallTime(new Date('2026-11-27T01:05:00Z'), 'Asia/Shanghai')).toBe('2026年11月27日 09:05');
  });
});

describe("an admin's scope", () => {
  const county = 'county';
  const office = 'office';
  const town = { id: 'town', ancestorIds: [county] };
  const townOffice = { id: 'town-office', ancestorIds: [county, 'town'] };

  test.each([
    [
      'the unit named as theirs covers itself and everything below it',
      { adminOfUnitId: county, unitIds: [office] },
      [true, true],
    ],
    ['a unit below covers only its own branch', { adminOfUnitId: 'town', unitIds: [] }, [true, true]],
    ['without a named unit, their own units are the scope', { adminOfUnitId: null, unitIds: [office] }, [false, false]],
    [
      'without a named unit or a unit of their own, nothing is covered',
      { adminOfUnitId: null, unitIds: [] },
      [false, false],
    ],
  ])('when %s', (_, admin, [coversTown, coversTownOffice]) => {
    const scope = adminScopeOf(admin);
    expect(scopeCoversUnit(scope, town)).toBe(coversTown);
    expect(scopeCoversUnit(scope, townOffice)).toBe(coversTownOffice);
  });

  test('when the admin looks after a town, then a sibling department is outside', () => {
    expect(
      scopeCoversUnit(adminScopeOf({ adminOfUnitId: 'town', unitIds: [] }), { id: office, ancestorIds: [county] }),
    ).toBe(false);
  });
});
