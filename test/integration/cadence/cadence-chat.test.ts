/** 更新情况 in chat: leaders and admins see their accounts' days since the last post and original post. */
import { Types } from 'mongoose';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { personId, unitId } from '../../support/people-factories';
import { createAccount } from '../../support/factories';
import { ManualClock } from '../../../src/shared/clock';

const clock = new ManualClock('2026-11-16T01:00:00Z');
let chat: ChatHarness;

beforeAll(async () => {
  await connectTestDatabase();
  chat = await ChatHarness.start({ clock });
  for (const name of ['王建华', '李静', '刘洋']) await chat.bind(name);
}, 60_000);

afterAll(async () => {
  await chat.stop();
  await disconnectTestDatabase();
});

describe('更新情况 in chat', () => {
  test('when a leader and an admin ask, then each sees the accounts in their charge; an officer is refused', async () => {
    const unit = new Types.ObjectId(await unitId('某县人民政府/县应急管理局'));
    const account = await createAccount({
      unitId: unit,
      name: '平安某县',
      leaderInChargeId: new Types.ObjectId(await personId('王建华')),
      backendAdminId: new Types.ObjectId(await personId('刘洋')),
      status: 'active',
      openedAt: new Date('2026-01-05T01:00:00Z'),
    });
    await chat.services.cadence.recordPublication({
      draftId: String(new Types.ObjectId()),
      unitId: String(unit),
      accountId: String(account._id),
      publishedAt: new Date('2026-11-03T08:00:00Z'),
      url: 'https://mp.weixin.qq.com/s/x',
      original: true,
    });

    const leaderView = await chat.sayAndWait('王建华', '更新情况', '更新情况（截至2026年11月16日，共 1 个账号）');
    expect(leaderView).toContain(
      '【明天满14天未更新】平安某县（微信公众号，县应急管理局）：距上次更新 13 天，距上次原创 13 天',
    );
    const adminView = await chat.sayAndWait('李静', '更新情况', '更新情况');
    expect(adminView).toContain('平安某县');
    await chat.sayAndWait('刘洋', '更新情况', '只有审核领导和管理员可以查看账号更新情况');
  });
});
