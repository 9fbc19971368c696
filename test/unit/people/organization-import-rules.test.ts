import fs from 'node:fs';
import path from 'node:path';
import { parseOrganizationFile } from '../../../src/people/organization-import-rules';

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

  test('when a CSV gives the 企业微信账号 column, then it reads the same people as the JSON with wecomUserId', () => {
    // Not in the docs samples: a UserID there would bind that person on the WeCom app wherever the sample is imported.
    const fixtures = path.resolve(__dirname, '..', '..', 'fixtures');
    const read = (format: 'json' | 'csv') =>
      parseOrganizationFile(
        fs.readFileSync(path.join(fixtures, `organization-with-wecom-user-ids.${format}`), 'utf8'),
        format,
      ).people;

    expect(read('csv')).toEqual(read('json'));
    expect(read('csv').map(({ name, wecomUserId }) => ({ name, wecomUserId }))).toEqual([
      { name: '陈志远', wecomUserId: 'ChenZhiYuan' },
      { name: '王建华', wecomUserId: 'wangjianhua' },
      { name: '刘洋', wecomUserId: '' },
    ]);
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

describe('malformed text in the organization file', () => {
  test('when a JSON name carries half an emoji as an escape, then it is read well-formed, as it will be stored', () => {
    const content = sampleJson.replace('"刘洋"', '"刘洋\\ud83d"').replace(/"刘洋"/g, '"刘洋\\ud83d"');
    const organization = parseOrganizationFile(content, 'json');
    const strings: string[] = [];
    JSON.stringify(organization, (_key, value: unknown) => {
      if (typeof value === 'string') strings.push(value);
      return value;
    });
    expect(strings).toContain('刘洋\ufffd');
    expect(strings.filter((text) => !text.isWellFormed())).toEqual([]);
  });
});
