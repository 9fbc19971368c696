/**
 * 登记留言 from the 留言 list (R8): an admin picks the account among the registry's, an officer writes
 * its name; what is missing or wrong is said in Chinese before anything is sent; the server's refusal of
 * an account outside the viewer's scope shows in the form; once registered, the new inquiry's detail opens.
 */
import type { InquiryDetail } from '../../src/shared/contracts';
import { failure, ok } from './support/fake-wx';
import type { FakeRequest, FakeWx } from './support/fake-wx';
import { fixtures, signIn } from './support/fixtures';
import { inquiryFixtures } from './support/inquiry-fixtures';
import { fire, render, tap, textOf, textsOf, typeInto } from './support/render';
import type { Rendered } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});

const [education, town] = fixtures.accountList.accounts;

/** What the server answers for a complaint registered by hand on 城关镇发布. */
const registered: InquiryDetail = {
  ...inquiryFixtures.detail,
  id: '665f1c2e8b3e4a0012345799',
  code: 'H3PX',
  accountId: town.id,
  accountName: town.name,
  unitId: town.unit.id,
  unitName: town.unit.name,
  kind: 'complaint',
  kindText: '投诉',
  source: 'manual',
  citizenLabel: '微博用户 王先生',
  overdue: false,
};

const registrations = (): FakeRequest[] =>
  fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/inquiries');

async function openForm(): Promise<Rendered> {
  const page = await render('pages/inquiries/inquiries');
  await tap(page, '.open-registration');
  return page;
}

describe('登记留言 on the 留言 list', () => {
  test('when an admin fills in the form and registers, then it is posted as written and the new inquiry’s detail opens', async () => {
    fake.route('POST /api/v1/inquiries', { status: 201, body: registered });
    const page = await openForm();

    // The registry's accounts that can receive messages: not 清河政务头条, still applying.
    expect(fake.requests.some((request) => request.path === '/api/v1/accounts')).toBe(true);
    expect(textsOf(page, '.registration')).toHaveLength(1);
    await fire(page, '.account-picker', 'change', { value: 1 });
    expect(textsOf(page, '.account-picker')).toEqual(['账号 城关镇发布（微博 · 城关镇人民政府）']);
    await typeInto(page, '.text-input', '  东街路灯坏了两个星期，晚上很黑。 ');
    await typeInto(page, '.citizen-label', '微博用户 王先生');
    await fire(page, '.date-picker', 'change', { value: '2026-11-26' });
    await fire(page, '.time-picker', 'change', { value: '15:40' });
    await fire(page, '.kind-picker', 'change', { value: 2 });
    await tap(page, '.save-registration');

    expect(registrations().map((request) => request.body)).toEqual([
      {
        accountId: town.id,
        text: '东街路灯坏了两个星期，晚上很黑。',
        citizenLabel: '微博用户 王先生',
        receivedAt: '2026-11-26T07:40:00.000Z',
        kind: 'complaint',
      },
    ]);
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已登记留言 #H3PX' }));
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/inquiry-detail/inquiry-detail?id=${registered.id}`,
    });
    // The form closes and the list is read again, so the new one is there on the way back.
    expect(textsOf(page, '.registration')).toEqual([]);
    const listReads = fake.requests.filter(
      (request) => request.method === 'GET' && request.path === '/api/v1/inquiries',
    );
    expect(listReads).toHaveLength(2);
  });

  test('when the admin leaves out the account, the text or half the time, or picks a time still to come, then the form says what to fix and nothing is sent', async () => {
    const page = await openForm();

    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['请选择留言所属的账号']);

    await fire(page, '.account-picker', 'change', { value: 0 });
    expect(textsOf(page, '.form-error')).toEqual([]);
    await typeInto(page, '.text-input', '   ');
    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['请填写留言内容']);

    await typeInto(page, '.text-input', '请问学区怎么划分？');
    await fire(page, '.date-picker', 'change', { value: '2026-11-27' });
    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['请同时选择留言的日期和时间；都不选则按现在登记']);

    // The fixtures' now is 10:00 on 27 November in Beijing.
    await fire(page, '.time-picker', 'change', { value: '10:30' });
    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['留言时间不能晚于现在']);

    expect(registrations()).toEqual([]);
    expect(fake.mocks.navigateTo).not.toHaveBeenCalled();
    expect(page.instance.data.registering).toBe(true);
  });

  test('when the account is outside the viewer’s units and scope, then the server’s 403 shows in the form, which keeps what was written', async () => {
    fake.route(
      'POST /api/v1/inquiries',
      failure(403, 'INQUIRY_NOT_YOURS', '不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内'),
    );
    const page = await openForm();
    await fire(page, '.account-picker', 'change', { value: 0 });
    await typeInto(page, '.text-input', '请问学区怎么划分？');
    await tap(page, '.save-registration');

    expect(registrations().map((request) => request.body)).toEqual([
      { accountId: education.id, text: '请问学区怎么划分？', kind: 'consultation' },
    ]);
    expect(textsOf(page, '.form-error')).toEqual(['不能为该账号登记留言：它不属于您所在单位，也不在您的管理范围内']);
    expect(textsOf(page, '.save-registration')).toEqual(['登记']);
    expect(textsOf(page, '.registration')).toHaveLength(1);
    expect(fake.mocks.navigateTo).not.toHaveBeenCalled();
  });

  test('when an officer registers, then they write the account’s name (they cannot list accounts) and it is sent by name', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route('POST /api/v1/inquiries', { status: 201, body: registered });
    const page = await openForm();

    expect(fake.requests.some((request) => request.path === '/api/v1/accounts')).toBe(false);
    expect(textsOf(page, '.account-picker')).toEqual([]);
    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['请填写留言所属账号的名称（与备案名称一致）']);

    await typeInto(page, '.account-name', ' 城关镇发布 ');
    await typeInto(page, '.text-input', '东街路灯坏了。');
    await tap(page, '.save-registration');

    expect(registrations().map((request) => request.body)).toEqual([
      { accountName: '城关镇发布', text: '东街路灯坏了。', kind: 'consultation' },
    ]);
    expect(fake.mocks.navigateTo).toHaveBeenCalledWith({
      url: `/pages/inquiry-detail/inquiry-detail?id=${registered.id}`,
    });
  });

  test('when the officer’s account name is unknown to them, then the server’s reason shows in the form', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route(
      'POST /api/v1/inquiries',
      failure(404, 'ACCOUNT_NOT_FOUND', '找不到名为“城关发布”的账号，请核对账号名称（须与备案名称一致）'),
    );
    const page = await openForm();
    await typeInto(page, '.account-name', '城关发布');
    await typeInto(page, '.text-input', '东街路灯坏了。');
    await tap(page, '.save-registration');
    expect(textsOf(page, '.form-error')).toEqual(['找不到名为“城关发布”的账号，请核对账号名称（须与备案名称一致）']);
  });

  test('when the accounts cannot be read, then the form says so with 重试; 取消 closes it', async () => {
    fake.route('GET /api/v1/accounts', failure(500, 'INTERNAL', 'x'));
    const page = await openForm();
    expect(textsOf(page, '.registration')[0]).toContain('服务器暂时出错，请稍后重试 重试');

    fake.route('GET /api/v1/accounts', ok(fixtures.accountList));
    await tap(page, '.retry');
    expect(textsOf(page, '.account-picker')).toEqual(['账号 请选择']);

    await tap(page, '.cancel-registration');
    expect(textsOf(page, '.registration')).toEqual([]);
    expect(textOf(page)).toContain('登记留言');
  });
});
