/**
 * The 留言 detail (R8): the thread, the deadlines and the trail; masked texts for those who may not act;
 * the officers' steps posting to the API and the answer re-rendering the page; a refusal's own words.
 */
import { failure, ok } from './support/fake-wx';
import type { FakeRequest, FakeWx } from './support/fake-wx';
import { inquiryFixtures } from './support/inquiry-fixtures';
import { fixtures, signIn } from './support/fixtures';
import { fire, render, tap, textOf, textsOf, typeInto } from './support/render';
import { signedInAdminOnFixtures } from './support/serve-fixtures';

let fake: FakeWx;
beforeEach(() => {
  fake = signedInAdminOnFixtures();
});

const { id } = inquiryFixtures.detail;
const openQ7K2 = () => render('pages/inquiry-detail/inquiry-detail', { query: { id } });
const posts = (): FakeRequest[] => fake.requests.filter((request) => request.method === 'POST');

describe('留言 detail page', () => {
  test('when opened, then the thread, the deadlines and the trail show, with the officer’s steps', async () => {
    const page = await openQ7K2();

    // An admin's units are read too, for the 转办 picker.
    expect(fake.requests.map((request) => request.path)).toEqual([`/api/v1/inquiries/${id}`, '/api/v1/units']);
    expect(textOf(page)).toContain(
      '#Q7K2 办理中 咨询 已逾期 账号 清河教育 办理单位 县教育局 留言人 公众号用户 oX3k…9Qe 公众号消息',
    );
    expect(textsOf(page, '.field')).toEqual([
      '受理 2026-11-18 09:20',
      '知晓性回复 已于 2026-11-18 09:20 回复',
      '承诺答复期限 2026-11-25（已逾期）',
    ]);
    expect(textsOf(page, '.message')).toEqual([
      '公众号用户 oX3k…9Qe 2026-11-18 09:20 孩子明年上小学，户口在城关镇，住在滨河小区，请问学区怎么划分？电话13812345678',
      '知晓性回复 2026-11-18 09:20 · 平台客服消息 您的留言已收到，我们将于11月25日前答复。',
    ]);
    expect(textsOf(page, '.event')).toEqual([
      '受理留言 系统 2026-11-18 09:20 #2101',
      '知晓性回复 系统 2026-11-18 09:20 · 承诺 2026-11-25 前答复 #2102',
    ]);
    expect(textsOf(page, '.actions-card .button-plain')).toEqual([
      '已在后台答复',
      '延期',
      '类型：咨询',
      '转办',
      '标记无效',
    ]);
    expect(textOf(page)).not.toContain('个人信息已遮蔽');
  });

  test('when someone outside the answering unit opens it, then the texts are masked and there are no steps', async () => {
    fake.route('GET /api/v1/inquiries/:id', ok(inquiryFixtures.detailMasked));
    const page = await openQ7K2();

    expect(textOf(page)).toContain('留言中的手机号等个人信息已遮蔽，办理单位可见原文。');
    expect(textsOf(page, '.message-in')[0]).toContain('电话138****5678');
    expect(textOf(page)).not.toContain('13812345678');
    expect(textsOf(page, '.actions-card')).toEqual([]);
  });

  test('when an answer is written and sent, then it is posted and the page shows it answered', async () => {
    fake.route(
      'POST /api/v1/inquiries/:id/answer',
      ok({ outcome: 'sent', why: '', inquiry: inquiryFixtures.answeredDetail }),
    );
    const page = await openQ7K2();

    await typeInto(page, '.answer-input', '滨河小区属城关镇第二小学学区，详见县教育局官网公告。');
    await tap(page, '.answer');

    expect(posts()).toEqual([
      expect.objectContaining({
        path: `/api/v1/inquiries/${id}/answer`,
        body: { text: '滨河小区属城关镇第二小学学区，详见县教育局官网公告。' },
      }),
    ]);
    expect(textOf(page)).toContain('#Q7K2 已答复 咨询 账号');
    expect(textsOf(page, '.message-out')[1]).toBe(
      '答复 · 刘洋 2026-11-27 10:10 · 平台客服消息 滨河小区属城关镇第二小学学区，详见县教育局官网公告。',
    );
    expect(textsOf(page, '.field')).toContain('答复 2026-11-27 10:10 · 刘洋 · 平台客服消息');
    expect(textsOf(page, '.actions-card')).toEqual([]);
    expect(fake.mocks.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '答复已通过平台客服消息发给留言人' }),
    );
  });

  test('when the 48-hour window has closed, then the page says to answer in the back office and keeps the text', async () => {
    fake.route(
      'POST /api/v1/inquiries/:id/answer',
      ok({ outcome: 'back-office', why: 'window-closed', inquiry: inquiryFixtures.detail }),
    );
    const page = await openQ7K2();
    await typeInto(page, '.answer-input', '请查看县教育局官网公告。');
    await tap(page, '.answer');

    expect(textsOf(page, '.notice')[0]).toContain('48 小时回复窗口已关闭，答复无法经平台发出。请到平台后台答复留言人');
    expect(page.instance.data.answerText).toBe('请查看县教育局官网公告。');
    await tap(page, '.copy-answer');
    expect(fake.mocks.setClipboardData).toHaveBeenCalledWith(
      expect.objectContaining({ data: '请查看县教育局官网公告。' }),
    );
  });

  test('when the server refuses a step, then its Chinese message shows on the page', async () => {
    fake.route('POST /api/v1/inquiries/:id/answer', failure(409, 'INQUIRY_ENDED', '留言 #Q7K2 已答复，不能再操作'));
    const page = await openQ7K2();
    await typeInto(page, '.answer-input', '答复');
    await tap(page, '.answer');
    expect(textsOf(page, '.action-error')).toEqual(['留言 #Q7K2 已答复，不能再操作']);
    expect(textsOf(page, '.answer')).toEqual(['答复']);
  });

  test('when 答复 is tapped with nothing written, then nothing is sent', async () => {
    const page = await openQ7K2();
    await tap(page, '.answer');
    expect(textsOf(page, '.action-error')).toEqual(['请先填写答复内容']);
    expect(posts()).toEqual([]);
  });

  test('when extended to a date with a reason, then both are posted and the new promise shows beside the old one', async () => {
    fake.route('POST /api/v1/inquiries/:id/extend', ok({ citizenTold: true, inquiry: inquiryFixtures.extended }));
    fake.answerModal(true, ' 学区划分须与招生办核实 ');
    const page = await openQ7K2();

    await fire(page, '.extend-picker', 'change', { value: '2026-12-04' });

    expect(posts()[0]).toMatchObject({
      path: `/api/v1/inquiries/${id}/extend`,
      body: { dueOn: '2026-12-04', reason: '学区划分须与招生办核实' },
    });
    expect(textsOf(page, '.field')).toContain('承诺答复期限 2026-12-04');
    expect(textsOf(page, '.field')).toContain('原期限 2026-11-25');
    expect(textsOf(page, '.extension')).toEqual([
      '延期 2026-11-25 → 2026-12-04 理由：学区划分须与招生办核实 刘洋 · 2026-11-24 16:00',
    ]);
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已延期并告知留言人' }));
  });

  test('when the extension reason is left empty, then nothing is posted', async () => {
    fake.answerModal(true, '  ');
    const page = await openQ7K2();
    await fire(page, '.extend-picker', 'change', { value: '2026-12-04' });
    expect(posts()).toEqual([]);
  });

  test('when the kind is changed and confirmed, then the new kind is posted', async () => {
    fake.route(
      'POST /api/v1/inquiries/:id/kind',
      ok({ ...inquiryFixtures.detail, kind: 'complaint', kindText: '投诉' }),
    );
    const page = await openQ7K2();
    await fire(page, '.kind-picker', 'change', { value: 2 });
    expect(posts()[0]).toMatchObject({ path: `/api/v1/inquiries/${id}/kind`, body: { kind: 'complaint' } });
    expect(textsOf(page, '.kind-action')).toEqual(['类型：投诉']);
  });

  test('when marked as a duplicate, then the reason is posted and the page shows it invalid without steps', async () => {
    fake.route(
      'POST /api/v1/inquiries/:id/invalid',
      ok({ ...inquiryFixtures.detail, status: 'invalid', invalidReason: 'duplicate', overdue: false }),
    );
    const page = await openQ7K2();
    await fire(page, '.invalid-picker', 'change', { value: 1 });
    expect(posts()[0]).toMatchObject({ path: `/api/v1/inquiries/${id}/invalid`, body: { reason: 'duplicate' } });
    expect(textOf(page)).toContain('#Q7K2 无效（重复留言） 咨询 账号');
    expect(textsOf(page, '.actions-card')).toEqual([]);
  });

  test('when answered in the back office is confirmed with a note, then the note is posted', async () => {
    fake.route('POST /api/v1/inquiries/:id/confirm', ok(inquiryFixtures.answeredDetail));
    fake.answerModal(true, '已在公众号后台回复');
    const page = await openQ7K2();
    await tap(page, '.confirm-answered');
    expect(posts()[0]).toMatchObject({ path: `/api/v1/inquiries/${id}/confirm`, body: { note: '已在公众号后台回复' } });
    expect(textOf(page)).toContain('#Q7K2 已答复');
  });

  test('when the inquiry is outside the viewer’s scope, then the 404 message shows with 重试', async () => {
    fake.route('GET /api/v1/inquiries/:id', failure(404, 'INQUIRY_NOT_FOUND', '找不到留言 Q7K2，请核对编号'));
    const page = await openQ7K2();
    expect(textOf(page)).toBe('找不到留言 Q7K2，请核对编号 重试');
  });
});

describe('an answer the unit reviews', () => {
  const pendingDetail = {
    ...inquiryFixtures.detail,
    mayAct: false,
    pendingAnswer: {
      text: '学区划分以教育局公布的通知为准，预计12月上旬公布。',
      contentHash: 'a'.repeat(64),
      author: { id: 'officer-1', name: '张伟' },
      step: 1,
      steps: 2,
      approved: false,
      waitingFor: [{ id: fixtures.admin.id, name: '李静' }],
    },
  };

  test('when the viewer is the step’s approver, then the pending text shows and 同意 posts the hash they read', async () => {
    fake.route('GET /api/v1/inquiries/:id', ok(pendingDetail));
    fake.route('POST /api/v1/inquiries/:id/answer-decision', ok(inquiryFixtures.answeredDetail));
    fake.answerModal(true);
    const page = await openQ7K2();
    expect(textsOf(page, '.pending-answer')[0]).toContain('待审答复 拟答复 · 张伟 学区划分以教育局公布的通知为准');
    expect(textsOf(page, '.pending-state')).toEqual(['第1/2步 · 等待 李静 审核']);
    await tap(page, '.approve-answer');
    expect(posts()[0]).toMatchObject({
      path: `/api/v1/inquiries/${id}/answer-decision`,
      body: { decision: 'approve', contentHash: 'a'.repeat(64) },
    });
    expect(textOf(page)).toContain('#Q7K2 已答复');
  });

  test('when the viewer rejects it with a reason, then the reason is posted; someone else sees no buttons', async () => {
    fake.route('GET /api/v1/inquiries/:id', ok(pendingDetail));
    fake.route('POST /api/v1/inquiries/:id/answer-decision', ok({ ...inquiryFixtures.detail, pendingAnswer: null }));
    fake.answerModal(true, '日期还没定');
    const page = await openQ7K2();
    await tap(page, '.reject-answer');
    expect(posts()[0]).toMatchObject({ body: { decision: 'reject', reason: '日期还没定' } });
    expect(textsOf(page, '.pending-answer')).toEqual([]);

    fake.route(
      'GET /api/v1/inquiries/:id',
      ok({
        ...pendingDetail,
        pendingAnswer: { ...pendingDetail.pendingAnswer, waitingFor: [{ id: 'x', name: '吴国庆' }] },
      }),
    );
    const other = await openQ7K2();
    expect(textsOf(other, '.pending-state')).toEqual(['第1/2步 · 等待 吴国庆 审核']);
    expect(textsOf(other, '.approve-answer')).toEqual([]);
  });
});

describe('转办', () => {
  const town = fixtures.unitList.items[4];
  const transferred = { ...inquiryFixtures.detail, unitId: town.id, unitName: town.name };

  test('when an admin picks one of their units and confirms, then its id is posted and the page shows the new answering unit', async () => {
    fake.route('POST /api/v1/inquiries/:id/transfer', ok(transferred));
    fake.answerModal(true);
    const page = await openQ7K2();

    // The admin's units in tree order, without 县教育局 which answers it now, then a unit by its full name.
    expect(page.instance.data.transferUnits.map((option: { text: string }) => option.text)).toEqual([
      '清河县人民政府',
      '　县政府办公室',
      '　县卫生健康局',
      '　城关镇人民政府',
      '其他单位（填写全称）',
    ]);
    await fire(page, '.transfer-picker', 'change', { value: 3 });

    expect(fake.mocks.showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '转办留言',
        content: '转给城关镇人民政府办理，承诺答复期限不变，城关镇人民政府的信息员会收到通知。',
      }),
    );
    expect(posts()).toEqual([
      expect.objectContaining({ path: `/api/v1/inquiries/${id}/transfer`, body: { unitId: town.id } }),
    ]);
    expect(textOf(page)).toContain('办理单位 城关镇人民政府');
    expect(fake.mocks.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已转办' }));
    expect(page.instance.data.transferUnits.map((option: { id: string }) => option.id)).not.toContain(town.id);
  });

  test('when the admin cancels the confirmation, then nothing is posted', async () => {
    fake.answerModal(false);
    const page = await openQ7K2();
    await fire(page, '.transfer-picker', 'change', { value: 3 });
    expect(posts()).toEqual([]);
  });

  test('when 其他单位 is picked and the name is unknown, then the name is posted and the server’s reason shows', async () => {
    fake.route(
      'POST /api/v1/inquiries/:id/transfer',
      failure(404, 'UNIT_NOT_FOUND', '找不到名为“县自然资源局”的单位，请核对单位全称'),
    );
    fake.answerModal(true, ' 县自然资源局 ');
    const page = await openQ7K2();
    await fire(page, '.transfer-picker', 'change', { value: 4 });

    expect(posts()[0]).toMatchObject({ body: { unitName: '县自然资源局' } });
    expect(textsOf(page, '.action-error')).toEqual(['找不到名为“县自然资源局”的单位，请核对单位全称']);
    expect(textOf(page)).toContain('办理单位 县教育局');
  });

  test('when an officer transfers, then they write the full name (no units are read), and a refusal of their scope shows as the server words it', async () => {
    signIn(fake.storage, fixtures.officer);
    fake.route(
      'POST /api/v1/inquiries/:id/transfer',
      failure(403, 'INQUIRY_NOT_YOURS', '该留言不由您所在单位办理，不能操作；如需转办请联系办理单位或管理员'),
    );
    fake.answerModal(true, '城关镇人民政府');
    const page = await openQ7K2();
    expect(fake.requests.map((request) => request.path)).toEqual([`/api/v1/inquiries/${id}`]);

    await tap(page, '.transfer');

    expect(posts()[0]).toMatchObject({
      path: `/api/v1/inquiries/${id}/transfer`,
      body: { unitName: '城关镇人民政府' },
    });
    expect(textsOf(page, '.action-error')).toEqual([
      '该留言不由您所在单位办理，不能操作；如需转办请联系办理单位或管理员',
    ]);
  });
});
