import type http from 'node:http';
import request from 'supertest';
import { Types } from 'mongoose';
import { AccessTokens } from '../../../src/api/access-tokens';
import { ManualClock } from '../../../src/shared/clock';
import { PersonModel } from '../../../src/people/person-model';
import type { DraftDetail, ErrorBody } from '../../../src/shared/contracts';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { personId, unitId } from '../../support/people-factories';
import { ChatHarness } from '../../support/chat-harness';
import { startApi, cliToken } from '../../support/api-harness';

const clock = new ManualClock('2026-11-26T01:00:00Z');
const tokens = new AccessTokens('draft-detail-test-secret-0123456789abcdef', 3600, clock);
let chat: ChatHarness;
let server: http.Server;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start();
  for (const name of ['刘洋', '孙丽']) await chat.bind(name);
  server = startApi(chat.services, { wechatBaseUrl: 'http://127.0.0.1:9', tokens }).server;
}, 60_000);

afterAll(async () => {
  server.close();
  await chat.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';
const bearer = async (name: string) => `Bearer ${(await cliToken(tokens, clock, await personId(name))).token}`;

/** A draft with an ID number in it, rejected, then masked with 脱敏 (version 2). */
async function submitMaskedDraft(): Promise<string> {
  const receipt = await chat.sayAndWait(
    '刘洋',
    '投稿 表彰名单\n获奖人张三，身份证号110101199003074514。',
    '已收到投稿',
  );
  const code = codeIn(receipt);
  await chat.waitFor('孙丽', `【待审核】#${code}`);
  await chat.sayAndWait('孙丽', `驳回 ${code} 请先脱敏`, '已记录');
  await chat.sayAndWait('刘洋', `脱敏 ${code}`, '已提交第2版');
  return code;
}

describe('the draft detail over the API', () => {
  test('when an admin asks for a draft by its code, then each version comes with its hash and its pre-check findings', async () => {
    const code = await submitMaskedDraft();

    const response = await request(server)
      .get(`/api/v1/drafts/${code}`)
      .set('Authorization', await bearer('李静'))
      .expect(200);
    const detail = response.body as DraftDetail;

    expect(detail).toMatchObject({
      code,
      status: 'in_review',
      statusText: '正在审核中',
      unit: { name: '县应急管理局' },
      submitter: { name: '刘洋' },
      currentVersion: 2,
      currentStep: 1,
    });
    const [first, second] = detail.versions;
    expect(first.findings).toContainEqual(
      expect.objectContaining({ category: '个人信息', severity: 'warn', field: 'body', excerpt: '1101**********4514' }),
    );
    expect(JSON.stringify(first.findings)).not.toContain('110101199003074514');
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.contentHash).not.toBe(first.contentHash);
    expect(second.findings.filter((finding) => finding.category === '个人信息')).toEqual([]);
    expect(detail.steps[0].decisions).toEqual([
      expect.objectContaining({
        approver: expect.objectContaining({ name: '孙丽' }),
        decision: 'reject',
        comment: '请先脱敏',
        versionNumber: 1,
        contentHash: first.contentHash,
      }),
    ]);

    const byId = await request(server)
      .get(`/api/v1/drafts/${detail.id}`)
      .set('Authorization', await bearer('李静'))
      .expect(200);
    expect((byId.body as DraftDetail).code).toBe(code);
  });

  test('when the request has no token, a forged one or an expired one, then it is refused with 401 and a code', async () => {
    const noToken = await request(server).get('/api/v1/drafts/ABCD').expect(401);
    expect((noToken.body as ErrorBody).error.code).toBe('AUTH_REQUIRED');

    const forged = await cliToken(
      new AccessTokens('another-secret-another-secret-0123456789', 3600, clock),
      clock,
      await personId('李静'),
    );
    const forgedResponse = await request(server)
      .get('/api/v1/drafts/ABCD')
      .set('Authorization', `Bearer ${forged.token}`)
      .expect(401);
    expect((forgedResponse.body as ErrorBody).error).toEqual({
      code: 'AUTH_TOKEN_INVALID',
      message: '登录凭证无效，请重新登录',
    });

    const issued = await cliToken(tokens, clock, await personId('李静'));
    clock.advance(3601_000);
    try {
      const expired = await request(server)
        .get('/api/v1/drafts/ABCD')
        .set('Authorization', `Bearer ${issued.token}`)
        .expect(401);
      expect((expired.body as ErrorBody).error.code).toBe('AUTH_TOKEN_EXPIRED');
    } finally {
      clock.advance(-3601_000);
    }
  });

  test('when the token names a leader the draft does not concern, then the draft is not found (404)', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 巡查通报\n巡查情况如下。', '已收到投稿'));
    const response = await request(server)
      .get(`/api/v1/drafts/${code}`)
      .set('Authorization', await bearer('吴国庆'))
      .expect(404);
    expect((response.body as ErrorBody).error.code).toBe('DRAFT_NOT_FOUND');
  });

  test('when an admin asks for a draft outside the units they look after, then it is "not found" and the draft is not shown', async () => {
    const code = codeIn(await chat.sayAndWait('刘洋', '投稿 防汛值班表\n值班安排如下。', '已收到投稿'));
    const education = await PersonModel.create({
      name: '教育局管理员',
      code: `JYJ-ADMIN-${new Types.ObjectId().toHexString().slice(-6)}`,
      roles: ['admin'],
      unitIds: [new Types.ObjectId(await unitId('某县人民政府/县教育局'))],
      adminOfUnitId: new Types.ObjectId(await unitId('某县人民政府/县教育局')),
    });

    const response = await request(server)
      .get(`/api/v1/drafts/${code}`)
      .set('Authorization', `Bearer ${(await cliToken(tokens, clock, String(education._id))).token}`)
      .expect(404);
    expect((response.body as ErrorBody).error.code).toBe('DRAFT_NOT_FOUND');
    expect(JSON.stringify(response.body)).not.toContain('防汛值班表');
  });

  test('when the reference is unknown or malformed, then the answer says so in Chinese', async () => {
    const authorization = await bearer('李静');
    const unknown = await request(server).get('/api/v1/drafts/ZZZZ').set('Authorization', authorization).expect(404);
    expect((unknown.body as ErrorBody).error.code).toBe('DRAFT_NOT_FOUND');
    const unknownId = await request(server)
      .get(`/api/v1/drafts/${new Types.ObjectId().toHexString()}`)
      .set('Authorization', authorization)
      .expect(404);
    expect((unknownId.body as ErrorBody).error.code).toBe('DRAFT_NOT_FOUND');
    const malformed = await request(server)
      .get(`/api/v1/drafts/${encodeURIComponent('{"$gt":""}')}`)
      .set('Authorization', authorization)
      .expect(400);
    expect((malformed.body as ErrorBody).error.code).toBe('DRAFT_REFERENCE_INVALID');
  });
});
