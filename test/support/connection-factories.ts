/**
 * The connection tests' wiring: the fake 公众号 platform for a test file, and the education bureau's
 * 微信公众号 of the sample organisation.
 */
import { FakeOfficialAccountServer } from '../../src/publication/fake-official-account-server';
import type { FakeOfficialAccount } from '../../src/publication/fake-official-account-server';
import type { Clock } from '../../src/shared/clock';
import type { Services } from '../../src/services';
import { disconnectTestDatabase } from './database';
import { openAccount } from './registry-factories';

/**
 * The fake platform hosting `account`, started before the file's tests (with its database) and stopped
 * after them; `apiBaseUrl` is its address once started.
 */
export function fakePlatformForFile(
  account: FakeOfficialAccount,
  options: { clock?: Clock; connect: () => Promise<unknown> },
): { platform: FakeOfficialAccountServer; apiBaseUrl: () => string } {
  const platform = new FakeOfficialAccountServer({ clock: options.clock });
  let apiBaseUrl = '';
  beforeAll(async () => {
    await options.connect();
    platform.addAccount(account);
    apiBaseUrl = await platform.start();
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
    await disconnectTestDatabase();
  });
  return { platform, apiBaseUrl: () => apiBaseUrl };
}

/**
 * The education bureau's account (leader 吴国庆, backend admin 冯涛), opened and filed: its 微信公众号
 * “教育之窗”, or its 微博 “教育微博”.
 */
export async function openEducationAccount(
  services: Pick<Services, 'accounts'>,
  platform: 'wechat-official-account' | 'weibo' = 'wechat-official-account',
): Promise<string> {
  const name = platform === 'weibo' ? '教育微博' : '教育之窗';
  return String(
    (await openAccount(services, { unit: '县教育局', name, platform, leader: '吴国庆', admin: '冯涛' }))._id,
  );
}

/**
 * The emergency bureau's 微信公众号 (leader in charge 王建华, run by 刘洋; approved in chat by 孙丽, then
 * 赵海涛), opened and filed; its id.
 */
export async function openEmergencyAccount(services: Pick<Services, 'accounts'>, name: string): Promise<string> {
  return String((await openAccount(services, { unit: '县应急管理局', name, leader: '王建华', admin: '刘洋' }))._id);
}
