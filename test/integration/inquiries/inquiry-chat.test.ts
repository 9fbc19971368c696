/**
 * Public inquiries (issue 26) through the real bot, push endpoint and database, against the fake 公众号
 * platform, on the project's clock: a follower's message opens an inquiry acknowledged with the promised
 * date across the National Day holiday; a retried push makes one inquiry; an answer in chat reaches the
 * follower; a closed 48-hour window sends the officer to the back office; an extension records the new
 * promise; someone of another unit cannot act on it; the reminders fire once each with two schedulers.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { ManualClock } from '../../../src/shared/clock';
import { FakeOfficialAccountServer } from '../../../src/publication/fake-official-account-server';
import { InquiryModel } from '../../../src/inquiries/inquiry-model';
import type { Inquiry } from '../../../src/inquiries/inquiry-model';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import { OutboxMessageModel } from '../../../src/outbox/outbox-message-model';
import { JobScheduler } from '../../../src/jobs/job-scheduler';
import { inquiryReminderJob } from '../../../src/jobs/inquiry-reminder-job';
import { PushReceiptModel } from '../../../src/publication/official-account-push-model';
import { pushRedeliveryJob } from '../../../src/publication/publication-push';
import { verifyAuditChain } from '../../../src/audit/audit-service';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { openAccount } from '../../support/registry-factories';
import { capturingLogger, connectToFakePlatform, startPushedServer } from '../../support/publication-factories';
import { personId, unitId } from '../../support/people-factories';
import type { FakeAccountCredentials } from '../../support/publication-factories';

// Wednesday 30 September 2026, 16:00 in Shanghai: the eve of the National Day holiday (1–7 October;
// Saturday 10 October is a make-up working day).
const clock = new ManualClock('2026-09-30T08:00:00Z');
const { logger } = capturingLogger();
const platform = new FakeOfficialAccountServer({ clock });
const account: FakeAccountCredentials = {
  appId: 'wx7a1b2c3d4e5f6a7b',
  secrets: {
    appSecret: 'feedc0defeedc0defeedc0defeedc0de',
    token: 'ShenfaInquiryToken',
    encodingAesKey: 'SW5xdWlyaWVzQXJlQW5zd2VyZWRPclByb21pc2VkMDE',
  },
};
let chat: ChatHarness;
let server: http.Server;
let accountId: string;

beforeAll(async () => {
  await connectTestDatabase();
  const apiBaseUrl = await platform.start();
  chat = await ChatHarness.start({ logger, clock });
  for (const name of ['刘洋', '孙丽', '赵海涛', '王建华', '李静', '蒋明']) await chat.bind(name);
  const opened = await openAccount(chat.services, {
    unit: '县应急管理局',
    name: '应急发布',
    leader: '王建华',
    admin: '刘洋',
  });
  accountId = String(opened._id);
  await connectToFakePlatform(chat.services, platform, { ...account, accountId, apiBaseUrl, author: '县应急管理局' });
  server = await startPushedServer(chat.services, platform, { ...account, accountId, logger });
}, 90_000);

afterAll(async () => {
  server.close();
  await chat.stop();
  await platform.stop();
  await disconnectTestDatabase();
});

const codeIn = (text: string) => /#([A-Z2-9]{4})/.exec(text)?.[1] ?? '';

async function inquiryOf(code: string): Promise<Inquiry> {
  const found = await InquiryModel.findOne({ code }).sort({ receivedAt: -1 }).lean<Inquiry>();
  if (!found) throw new Error(`no inquiry ${code}`);
  return found;
}

/** A follower writes to the account; the officer 刘洋 is told, and the code is returned. */
async function followerWrites(openId: string, text: string): Promise<string> {
  const seen = chat.messagesOf('刘洋').length;
  const answer = await platform.sendUserText(account.appId, openId, text, clock.now());
  expect(answer.status).toBe(200);
  return codeIn(await chat.waitFor('刘洋', '新留言', { after: seen }));
}

describe('a follower writes to the account', () => {
  test('when a message arrives on the eve of National Day, then it is acknowledged with a date after the holiday and the officer is told', async () => {
    const code = await followerWrites('oFollowerA', '请问防汛沙袋在哪里领取？我的电话13812345678');
    const notice = chat.messagesOf('刘洋').find((text) => text.includes(`#${code}`)) ?? '';
    // 5 working days after 30 September: 8, 9, 10 (make-up Saturday), 12 and 13 October.
    expect(notice).toContain('已自动回复留言人，承诺10月13日前答复');
    expect(notice).toContain('来自「应急发布」的咨询');
    // The officer's notice shows the phone number masked.
    expect(notice).toContain('138****5678');
    expect(notice).not.toContain('13812345678');

    const acknowledgement = platform.sentCustomMessages(account.appId).find((sent) => sent.openId === 'oFollowerA');
    expect(acknowledgement?.text).toBe('您的留言已收到，我们将于10月13日前答复。');
    const inquiry = await inquiryOf(code);
    expect(inquiry).toMatchObject({
      status: 'open',
      answerDueOn: '2026-10-13',
      source: 'platform',
      repliesInWindow: 1,
    });
    // Four working hours: 16:00–18:00 on the 30th, then 08:30–10:30 on 8 October.
    expect(inquiry.acknowledgeDueAt.toISOString()).toBe('2026-10-08T02:30:00.000Z');
    expect(inquiry.acknowledgedAt).not.toBeNull();
    // The citizen's text is kept as received.
    expect(inquiry.messages[0].text).toBe('请问防汛沙袋在哪里领取？我的电话13812345678');
    expect(inquiry.timeline.map((entry) => entry.action)).toEqual(['inquiry.received', 'inquiry.acknowledged']);
  });

  test('when the platform posts the same message again, then there is still one inquiry', async () => {
    const seen = chat.messagesOf('刘洋').length;
    const first = await platform.sendUserText(account.appId, 'oFollowerB', '村口路灯坏了，什么时候修？', clock.now());
    const code = codeIn(await chat.waitFor('刘洋', '新留言', { after: seen }));
    const again = await platform.repost(first);
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await InquiryModel.countDocuments({ citizenId: 'oFollowerB' })).toBe(1);
    expect(
      chat
        .messagesOf('刘洋')
        .slice(seen)
        .filter((text) => text.includes(`#${code}`)),
    ).toHaveLength(1);
    // A further message within the join window joins the same inquiry, and the officer reads the new text.
    const before = chat.messagesOf('刘洋').length;
    await platform.sendUserText(account.appId, 'oFollowerB', '就是村口往东第三根电线杆。', clock.now());
    const joined = await chat.waitFor('刘洋', `留言 #${code}（「应急发布」）有新消息：就是村口往东第三根电线杆。`, {
      after: before,
    });
    expect(joined).toContain('请在10月13日前答复');
    const inquiry = await inquiryOf(code);
    expect(inquiry.messages.filter((message) => message.direction === 'in').map((message) => message.text)).toEqual([
      '村口路灯坏了，什么时候修？',
      '就是村口往东第三根电线杆。',
    ]);
    expect(await InquiryModel.countDocuments({ citizenId: 'oFollowerB' })).toBe(1);
  });

  test('when the officer answers in chat, then the answer reaches the follower and the inquiry is answered on time', async () => {
    const code = await followerWrites('oFollowerC', '请问冬季防火检查什么时候开始？');
    const reply = await chat.sayAndWait(
      '刘洋',
      `答复 ${code} 12月1日起开展，请关注本号通知。`,
      '已通过公众号客服消息答复',
    );
    expect(reply).toContain(`#${code}`);
    const sent = platform.sentCustomMessages(account.appId).filter((message) => message.openId === 'oFollowerC');
    expect(sent.map((message) => message.text)).toEqual([
      '您的留言已收到，我们将于10月13日前答复。',
      '12月1日起开展，请关注本号通知。',
    ]);
    const inquiry = await inquiryOf(code);
    expect(inquiry).toMatchObject({
      status: 'answered',
      answerChannel: 'platform',
      answerText: '12月1日起开展，请关注本号通知。',
    });
    const event = await AuditEventModel.findOne({
      'subject.type': 'inquiry',
      'subject.id': String(inquiry._id),
      action: 'inquiry.answered',
    }).lean();
    expect(event?.details).toMatchObject({ channel: 'platform', onTime: true });
  });

  test('when the officer extends the deadline, then the new promise and its reason are recorded and the follower is told', async () => {
    const code = await followerWrites('oFollowerE', '小区旁工地夜间施工扰民，请处理。');
    await chat.sayAndWait('刘洋', `类型 ${code} 投诉`, '答复期限为10月15日');
    const tooLate = await chat.sayAndWait('刘洋', `延期 ${code} 2026-11-30 需会同住建部门核实`, '最晚可延至');
    expect(tooLate).toContain('10月27日');
    const reply = await chat.sayAndWait('刘洋', `延期 ${code} 10月20日 需会同住建部门核实`, '已延期');
    expect(reply).toContain('答复期限改为10月20日');
    expect(reply).toContain('已通过公众号告知留言人');
    const inquiry = await inquiryOf(code);
    expect(inquiry).toMatchObject({ kind: 'complaint', answerDueOn: '2026-10-20', originalDueOn: '2026-10-15' });
    expect(inquiry.extensions).toEqual([
      expect.objectContaining({ fromDueOn: '2026-10-15', toDueOn: '2026-10-20', reason: '需会同住建部门核实' }),
    ]);
    const told = platform.sentCustomMessages(account.appId).filter((sent) => sent.openId === 'oFollowerE');
    expect(told.at(-1)?.text).toContain('答复期限延至10月20日');
    const event = await AuditEventModel.findOne({
      'subject.id': String(inquiry._id),
      action: 'inquiry.extended',
    }).lean();
    expect(event).toMatchObject({
      reason: '需会同住建部门核实',
      details: { fromDueOn: '2026-10-15', toDueOn: '2026-10-20' },
    });
  });

  test('when someone of another unit answers or extends, then they are refused and nothing changes', async () => {
    const code = await followerWrites('oFollowerF', '请问应急避难场所在哪里？');
    const refused = await chat.sayAndWait('蒋明', `答复 ${code} 在县体育馆。`, '不由您所在单位办理');
    expect(refused).not.toContain('已通过');
    await chat.sayAndWait('蒋明', `延期 ${code} 10月20日 再看看`, '不由您所在单位办理');
    expect(await inquiryOf(code)).toMatchObject({ status: 'open', answerDueOn: '2026-10-13', extensions: [] });
    // Handed over, the other unit answers it: the promised date stays.
    await chat.sayAndWait('刘洋', `转办 ${code} 县政府办公室`, '交由县政府办公室办理');
    await chat.waitFor('蒋明', `【转办留言】`);
    await chat.sayAndWait('蒋明', `已答复 ${code} 电话告知`, `已登记：留言 #${code}`);
    expect(await inquiryOf(code)).toMatchObject({ status: 'answered', answerDueOn: '2026-10-13' });
  });

  test('when the account words its own acknowledgement or switches it off, then the follower gets that wording or none', async () => {
    const admin = { personId: await personId('李静'), via: 'test' };
    const settings = chat.services.inquirySettings;
    await settings.setForAccount(
      admin,
      { id: accountId, unitId: await unitId('某县人民政府/县应急管理局') },
      {
        acknowledgementTemplate: '【应急发布】留言已收到，将于{date}前答复，紧急情况请拨打12345。',
      },
    );
    const worded = await followerWrites('oFollowerJ', '防汛演练在哪里举行？');
    const acknowledgement = platform.sentCustomMessages(account.appId).find((sent) => sent.openId === 'oFollowerJ');
    expect(acknowledgement?.text).toBe('【应急发布】留言已收到，将于10月13日前答复，紧急情况请拨打12345。');
    expect((await inquiryOf(worded)).acknowledgedAt).not.toBeNull();

    await settings.setForAccount(
      admin,
      { id: accountId, unitId: await unitId('某县人民政府/县应急管理局') },
      {
        autoAcknowledge: false,
      },
    );
    const silent = await followerWrites('oFollowerK', '请问避险转移路线图在哪里看？');
    expect(platform.sentCustomMessages(account.appId).some((sent) => sent.openId === 'oFollowerK')).toBe(false);
    expect(chat.messagesOf('刘洋').find((text) => text.includes(`#${silent}`))).toContain('请在10月13日前答复');
    expect((await inquiryOf(silent)).acknowledgedAt).toBeNull();
    await settings.setForAccount(
      admin,
      { id: accountId, unitId: await unitId('某县人民政府/县应急管理局') },
      {
        autoAcknowledge: true,
        acknowledgementTemplate: '',
      },
    );
  });

  test('when the unit reviews answers, then an answer goes out only after each step of its route approved that very text', async () => {
    const admin = { personId: await personId('李静'), via: 'test' };
    const bureau = await unitId('某县人民政府/县应急管理局');
    await chat.services.inquirySettings.setForUnit(admin, bureau, { answerApproval: true });
    const code = await followerWrites('oFollowerL', '防汛演练什么时候举行？');
    const submitted = await chat.sayAndWait('刘洋', `答复 ${code} 周六上午九点在县体育馆。`, '本单位的答复须经审核');
    expect(submitted).toContain('已送孙丽审核（第1/2步）');
    await chat.waitFor('孙丽', `【留言答复待审】（第1/2步）#${code}`);
    const sentTo = () => platform.sentCustomMessages(account.appId).filter((sent) => sent.openId === 'oFollowerL');
    expect(sentTo().map((sent) => sent.text)).toEqual(['您的留言已收到，我们将于10月13日前答复。']);

    // Someone not on the route cannot approve it.
    await chat.sayAndWait('蒋明', `同意答复 ${code}`, '不是留言');
    // A new text starts the route again; 孙丽 is asked about the new one.
    const leaderSeen = chat.messagesOf('孙丽').length;
    await chat.sayAndWait('刘洋', `答复 ${code} 改为周日上午九点，在县体育馆。`, '本单位的答复须经审核');
    await chat.waitFor('孙丽', '拟答复（刘洋）：改为周日上午九点，在县体育馆。', { after: leaderSeen });
    await chat.sayAndWait('孙丽', `同意答复 ${code}`, '等待赵海涛审核');
    await chat.waitFor('赵海涛', `【留言答复待审】（第2/2步）#${code}`);
    await chat.sayAndWait('赵海涛', `驳回答复 ${code} 时间还没定，先不要答复具体日子`, '已驳回');
    await chat.waitFor('刘洋', `留言 #${code} 的答复被赵海涛驳回：时间还没定`);
    expect(sentTo()).toHaveLength(1);

    const finalText = '演练时间确定后会在本号发布通知，请留意。';
    await chat.sayAndWait('刘洋', `答复 ${code} ${finalText}`, '本单位的答复须经审核');
    await chat.sayAndWait('孙丽', `同意答复 ${code}`, '等待赵海涛审核');
    await chat.sayAndWait('赵海涛', `同意答复 ${code}`, '已通过公众号客服消息发给留言人');
    await chat.waitFor('刘洋', `留言 #${code} 的答复已审核同意，已通过公众号客服消息发给留言人`);
    expect(sentTo().map((sent) => sent.text)).toEqual(['您的留言已收到，我们将于10月13日前答复。', finalText]);
    const inquiry = await inquiryOf(code);
    expect(inquiry).toMatchObject({ status: 'answered', answerText: finalText, answerChannel: 'platform' });
    expect(String(inquiry.answeredById)).toBe(await personId('刘洋'));
    const answered = await AuditEventModel.findOne({
      'subject.id': String(inquiry._id),
      action: 'inquiry.answered',
    }).lean();
    expect(answered?.details).toMatchObject({
      approvedContentHash: createHash('sha256').update(finalText).digest('hex'),
    });
    const actions = inquiry.timeline.map((entry) => entry.action);
    expect(actions.filter((action) => action === 'inquiry.answer-submitted')).toHaveLength(3);
    expect(actions).toContain('inquiry.answer-rejected');
    expect(actions).toContain('inquiry.answer-approved');
    await chat.services.inquirySettings.setForUnit(admin, bureau, { answerApproval: false });
  });

  test('when an officer registers a message from another platform by hand, then it is on the list of what waits', async () => {
    const registered = await chat.sayAndWait(
      '刘洋',
      '登记留言 应急发布\n微博私信：山体滑坡隐患点有没有人巡查？',
      '已登记留言',
    );
    const code = codeIn(registered);
    expect(registered).toContain('请于10月13日前答复');
    const waiting = await chat.sayAndWait('刘洋', '留言', '待答复的留言');
    expect(waiting).toContain(code);
    expect(await inquiryOf(code)).toMatchObject({ source: 'manual', status: 'open' });
  });
});

describe('after the reply window', () => {
  test('when the 48-hour window has closed, then the officer is told to answer in the back office and confirms there', async () => {
    const code = await followerWrites('oFollowerD', '我家的低保申请进度怎么查？');
    // The clock only moves forward (the outbox paces each recipient by it): from here on it is 2 October.
    clock.set(new Date(clock.now().getTime() + 49 * 3_600_000));
    const reply = await chat.sayAndWait('刘洋', `答复 ${code} 请携带身份证到镇民政办查询。`, '请在公众号后台答复');
    expect(reply).toContain('48 小时回复窗口已关闭');
    expect(reply).toContain(`已答复 ${code}`);
    expect(platform.sentCustomMessages(account.appId).some((sent) => sent.text.includes('镇民政办'))).toBe(false);
    expect((await inquiryOf(code)).status).toBe('open');
    await chat.sayAndWait('刘洋', `已答复 ${code} 已在后台回复`, `已登记：留言 #${code} 已在平台后台答复`);
    expect(await inquiryOf(code)).toMatchObject({ status: 'answered', answerChannel: 'back-office' });
  });
});

describe('a push taken on but not handled', () => {
  test('when the process stopped after answering the platform, then the redelivery job opens the inquiry and drops the kept text', async () => {
    // The state a stop leaves: the receipt claimed (the platform had its success), the handler never ran.
    const receivedAt = new Date(clock.now().getTime() - 3 * 60_000);
    const key = `${accountId}:msg:7300000000000000001`;
    await PushReceiptModel.create({
      _id: key,
      receivedAt,
      pending: true,
      attempts: 0,
      accountId,
      push: {
        kind: 'user-text',
        openId: 'oFollowerH',
        content: '停电了什么时候恢复？',
        msgId: '7300000000000000001',
        at: receivedAt,
      },
    });
    const seen = chat.messagesOf('刘洋').length;
    const job = pushRedeliveryJob({ ...chat.services, clock, logger });
    const scheduler = (processId: string) => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });
    await Promise.all([scheduler('a').runOnce(job, clock.now()), scheduler('b').runOnce(job, clock.now())]);
    const notice = await chat.waitFor('刘洋', '停电了什么时候恢复', { after: seen });
    expect(notice).toContain('新留言');
    expect(await InquiryModel.countDocuments({ citizenId: 'oFollowerH' })).toBe(1);
    const receipt = await PushReceiptModel.findById(key).lean();
    expect(receipt).toMatchObject({ pending: false, attempts: 1 });
    expect(receipt?.push).toBeUndefined();
  });
});

describe('reminders', () => {
  test('when two schedulers run the reminders, then each reminder goes out once, within working hours', async () => {
    const code = await followerWrites('oFollowerG', '请问防汛值班电话是多少？');
    const keysOf = async () =>
      (
        await OutboxMessageModel.find({
          idempotencyKey: { $regex: `^inquiry:${String((await inquiryOf(code))._id)}:` },
        }).lean()
      ).map((message) => message.idempotencyKey);
    const scheduler = (processId: string) => new JobScheduler({ clock, logger, processId, timeZone: 'Asia/Shanghai' });
    const job = inquiryReminderJob({ inquiries: chat.services.inquiries, logger });
    const runAt = async (at: string) => {
      clock.set(at);
      await Promise.all([scheduler('a').runOnce(job, clock.now()), scheduler('b').runOnce(job, clock.now())]);
    };
    {
      // Sunday 11 October is no working day: nothing, although the answer-soon reminder is due.
      await runAt('2026-10-11T02:00:00Z');
      expect((await keysOf()).filter((key) => key.includes('answer-soon'))).toEqual([]);
      // Monday 12 October 10:00, the working day before the promised 13th: the officer, once.
      await runAt('2026-10-12T02:00:00Z');
      await runAt('2026-10-12T02:15:00Z');
      // To the unit's officers, 刘洋 (who keeps the account) and 孙丽: once each.
      expect((await keysOf()).filter((key) => key.includes('answer-soon'))).toHaveLength(2);
      await chat.waitFor('刘洋', `【留言提醒】#${code}`);
      await chat.waitFor('孙丽', `【留言提醒】#${code}`);
      expect(chat.messagesOf('刘洋').filter((text) => text.startsWith(`【留言提醒】#${code}`))).toHaveLength(1);
      // Wednesday 14 October, 09:00: the promise is broken; the leader in charge and the admins are told once.
      await runAt('2026-10-14T01:00:00Z');
      await runAt('2026-10-14T01:15:00Z');
      const keys = await keysOf();
      expect(keys.filter((key) => key.includes(':due:'))).toHaveLength(1);
      await chat.waitFor('王建华', `【留言逾期】`);
      await chat.waitFor('李静', '【逾期留言】');
      const digests = await OutboxMessageModel.find({
        idempotencyKey: { $regex: '^inquiries-overdue:2026-10-14:' },
      }).lean();
      expect(digests.length).toBeGreaterThan(0);
      expect(new Set(digests.map((digest) => digest.idempotencyKey)).size).toBe(digests.length);
    }
  });

  test('the trail of every step verifies', async () => {
    const result = await verifyAuditChain();
    expect(result.ok).toBe(true);
  });
});
