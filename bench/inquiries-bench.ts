/**
 * `npm run bench -- inquiries`: the inquiries' reminder job (R8) over 1,000 accounts and 20,000 inquiries
 * received in the last three months, 5,000 of them open. Seeds units, people, accounts, the inquiries and
 * the `inquiry_reminders` entries the service leaves (computed with the rules, inserted in bulk), then
 * runs the job at Monday 08:30 Shanghai — the week's first working moment, when the weekend's reminders
 * and the overdue digests fall due — and again at its next run 15 minutes later. Reports the time and
 * the database commands of each run (driver command monitoring).
 * Targets (issue 26): under 10 s and at most 200 commands, i.e. no lookup per unit or per inquiry.
 */
import mongoose, { Types } from 'mongoose';
import { createLogger } from '../src/shared/logger';
import { ManualClock } from '../src/shared/clock';
import { ensureIndexes } from '../src/shared/database';
import { shortCodeAlphabet } from '../src/shared/short-codes';
import { createServices } from '../src/services';
import { AccountModel, accountPlatforms } from '../src/accounts/account-model';
import { addWorkingDays } from '../src/cadence/calendar-rules';
import { InquiryModel } from '../src/inquiries/inquiry-model';
import type { ThreadMessage } from '../src/inquiries/inquiry-model';
import { InquiryReminderModel } from '../src/inquiries/inquiry-reminder-model';
import type { InquiryReminder } from '../src/inquiries/inquiry-reminder-model';
import {
  acknowledgementText,
  deadlinesFor,
  defaultInquiryPolicy,
  dueInquiryReminders,
  inquiryKinds,
  latestPromiseOn,
} from '../src/inquiries/inquiry-rules';
import type { InquiryClock, InquiryKind, InquirySource } from '../src/inquiries/inquiry-rules';
import '../src/models';
import { report, startBenchDatabase } from './bench-database';
import { seededRandom } from './seeded-random';
import { benchAccount, seedCounty } from './bench-county';

const accountTotal = Number(process.env.INQUIRY_BENCH_ACCOUNTS ?? 1_000);
const inquiryTotal = Number(process.env.INQUIRY_BENCH_INQUIRIES ?? 20_000);
const openTotal = Number(process.env.INQUIRY_BENCH_OPEN ?? 5_000);
const accountsPerUnit = 5;
const days = 92;
const dayMs = 86_400_000;
const hourMs = 3_600_000;
const timeZone = 'Asia/Shanghai';
const policy = defaultInquiryPolicy;

export async function runInquiriesBench(): Promise<void> {
  const database = await startBenchDatabase();
  report(`database: ${database.source}`);
  const random = seededRandom(26);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  // Monday 16 November 2026, 08:30 in Shanghai: the working week's first moment.
  const at = new Date('2026-11-16T00:30:00Z');
  const clock = new ManualClock(at);
  try {
    await mongoose.connect(database.uri, {
      dbName: `bench_inquiries_${Date.now()}`,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      bufferCommands: false,
      monitorCommands: true,
    });
    await ensureIndexes();
    const services = createServices({ clock, logger: createLogger('silent') });

    const seedStart = Date.now();
    const { units, staff } = await seedCounty(at, Math.ceil(accountTotal / accountsPerUnit));
    const accounts = Array.from({ length: accountTotal }, (_, index) => {
      const unitIndex = Math.floor(index / accountsPerUnit);
      return benchAccount({
        unitId: units[unitIndex]._id,
        staff: staff[unitIndex],
        platform: accountPlatforms[index % accountPlatforms.length],
        name: `账号${index + 1}`,
        cadenceDays: 1,
        now: at,
      });
    });
    await AccountModel.collection.insertMany(accounts);

    // Every unit keeps the default working hours (08:30–18:00); the calendar is the official one.
    const inquiryClock: InquiryClock = {
      calendar: await services.calendar.workingCalendar(),
      hours: { startMinute: 510, endMinute: 1080 },
      timeZone,
    };
    // The entries as the job's last run left them: Monday 08:15, outside working hours, so everything
    // due over the weekend waits for 08:30.
    const lastRunAt = new Date(at.getTime() - 15 * 60_000);
    const stages = new Map<string, number>();
    let inquiries: Record<string, unknown>[] = [];
    const reminders: InquiryReminder[] = [];
    let codeSerial = 0;
    const nextCode = () => {
      let rest = codeSerial;
      codeSerial += 1;
      return Array.from({ length: 4 }, () => {
        const letter = shortCodeAlphabet[rest % shortCodeAlphabet.length];
        rest = Math.floor(rest / shortCodeAlphabet.length);
        return letter;
      }).join('');
    };
    for (let index = 0; index < inquiryTotal; index += 1) {
      const open = index < openTotal;
      const accountIndex = Math.floor(random() * accounts.length);
      const account = accounts[accountIndex];
      const officerId = staff[Math.floor(accountIndex / accountsPerUnit)].officer._id;
      // Open ones are mostly recent (still within their working days); a quarter are older and overdue.
      const ageMs = open && random() < 0.75 ? random() * 12 * dayMs : random() * days * dayMs;
      const receivedAt = new Date(at.getTime() - Math.max(ageMs, 60_000));
      const kind: InquiryKind = random() < 0.15 ? 'complaint' : pick(inquiryKinds);
      const source: InquirySource = random() < 0.6 ? 'platform' : random() < 0.75 ? 'manual' : 'import';
      const deadlines = deadlinesFor(inquiryClock, receivedAt, kind, policy);
      // A tenth were extended by 2–5 working days, within the 15 working days after receipt.
      const extendedTo = addWorkingDays(inquiryClock.calendar, deadlines.answerDueOn, 2 + Math.floor(random() * 4));
      const extended = random() < 0.1 && extendedTo <= latestPromiseOn(inquiryClock, receivedAt, policy);
      const answerDueOn = extended ? extendedTo : deadlines.answerDueOn;
      const text = `市民留言${index}：请问${pick(['办事指南', '停车收费', '学校招生', '道路维修', '医保报销'])}的具体规定是什么？`;
      const messages: ThreadMessage[] = [
        {
          at: receivedAt,
          direction: 'in',
          text,
          platformMessageId: source === 'platform' ? `msg${index}` : '',
          purpose: '',
          byPersonId: null,
          channel: '',
        },
      ];
      let acknowledgedAt: Date | null = null;
      let repliesInWindow = 0;
      if (source === 'platform') {
        acknowledgedAt = new Date(receivedAt.getTime() + 60_000);
        messages.push({
          at: acknowledgedAt,
          direction: 'out',
          text: acknowledgementText(policy.acknowledgementTemplate, deadlines.answerDueOn),
          platformMessageId: '',
          purpose: 'acknowledgement',
          byPersonId: null,
          channel: 'platform',
        });
        repliesInWindow = 1;
      }
      let lastCitizenMessageAt = receivedAt;
      // A fifth of the open platform ones heard again from the citizen in the last two days: a window open.
      if (open && source === 'platform' && random() < 0.2) {
        const followUpAt = new Date(at.getTime() - (1 + random() * 46) * hourMs);
        if (followUpAt.getTime() > receivedAt.getTime() + 60_000) {
          lastCitizenMessageAt = followUpAt;
          repliesInWindow = 0;
          messages.push({
            ...messages[0],
            at: followUpAt,
            text: '请尽快答复，谢谢',
            platformMessageId: `msg${index}b`,
          });
        }
      }
      const answered = !open && random() < 0.9;
      const answeredAt = answered
        ? new Date(Math.min(at.getTime() - 60_000, receivedAt.getTime() + (0.2 + random() * 8) * dayMs))
        : null;
      if (answeredAt) {
        messages.push({
          at: answeredAt,
          direction: 'out',
          text: '您好，答复如下……',
          platformMessageId: '',
          purpose: 'answer',
          byPersonId: officerId,
          channel: source === 'platform' ? 'platform' : 'back-office',
        });
      }
      const _id = new Types.ObjectId();
      const status = open ? 'open' : answered ? 'answered' : 'invalid';
      inquiries.push({
        _id,
        revision: 1,
        updatedAt: answeredAt ?? acknowledgedAt ?? receivedAt,
        code: nextCode(),
        closedKey: open ? '' : String(_id),
        accountId: account._id,
        unitId: account.unitId,
        accountUnitId: account.unitId,
        source,
        citizenId: source === 'platform' ? `openid-${index}` : '',
        citizenLabel: source === 'platform' ? '' : `市民${index}`,
        kind,
        status,
        invalidReason: status === 'invalid' ? pick(['spam', 'duplicate']) : '',
        receivedAt,
        lastCitizenMessageAt,
        repliesInWindow,
        acknowledgeDueAt: deadlines.acknowledgeDueAt,
        acknowledgedAt,
        answerDueOn,
        originalDueOn: deadlines.answerDueOn,
        extensions: extended
          ? [
              {
                at: new Date(receivedAt.getTime() + dayMs),
                byPersonId: officerId,
                fromDueOn: deadlines.answerDueOn,
                toDueOn: answerDueOn,
                reason: '需会同有关部门核实',
              },
            ]
          : [],
        answeredAt,
        answeredById: answered ? officerId : null,
        answeredByUnitId: answered ? account.unitId : null,
        answerText: answered ? '您好，答复如下……' : '',
        answerChannel: answered ? (source === 'platform' ? 'platform' : 'back-office') : '',
        messages,
        registeredById: source === 'platform' ? null : officerId,
        timeline: [],
      });
      if (open) {
        const state = { source, answerDueOn, lastCitizenMessageAt, repliesInWindow, repliedInWindow: false };
        const plan = dueInquiryReminders(state, lastRunAt, inquiryClock, policy);
        if (plan.nextAt) {
          // The entry as scheduleReminders writes it: the state the rules and messages read, and the time.
          const code = String(inquiries[inquiries.length - 1].code);
          const excerpt = messages[0].text.slice(0, 200);
          reminders.push({
            _id,
            nextAt: plan.nextAt,
            code,
            accountId: account._id,
            unitId: account.unitId,
            kind,
            citizenId: String(inquiries[inquiries.length - 1].citizenId),
            excerpt,
            ...state,
          });
        }
        for (const { stage } of dueInquiryReminders(state, at, inquiryClock, policy).due) {
          stages.set(stage, (stages.get(stage) ?? 0) + 1);
        }
      }
      if (inquiries.length === 5_000) {
        await InquiryModel.collection.insertMany(inquiries);
        inquiries = [];
      }
    }
    if (inquiries.length > 0) await InquiryModel.collection.insertMany(inquiries);
    await InquiryReminderModel.collection.insertMany(reminders);
    const dueNow = reminders.filter((entry) => entry.nextAt.getTime() <= at.getTime()).length;
    report(
      `seeded ${units.length} units, ${accountTotal} accounts, ${inquiryTotal} inquiries (${openTotal} open, ${reminders.length} reminder entries, ${dueNow} due at 08:30) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    report(`reminders due at 08:30 by stage: ${[...stages].map(([stage, count]) => `${stage} ${count}`).join(', ')}`);

    const commands = new Map<string, number>();
    mongoose.connection.getClient().on('commandStarted', (event) => {
      const collection = String((event.command as Record<string, unknown>)[event.commandName] ?? '');
      const key = `${event.commandName} ${collection}`;
      commands.set(key, (commands.get(key) ?? 0) + 1);
    });
    const runOnce = async (scheduledFor: Date) => {
      commands.clear();
      clock.set(scheduledFor);
      const started = performance.now();
      const enqueued = await services.inquiries.sendReminders(scheduledFor);
      const seconds = (performance.now() - started) / 1000;
      const dbCommands = [...commands.values()].reduce((sum, count) => sum + count, 0);
      const byCommand = [...commands].map(([key, count]) => `${key} ×${count}`).join(', ');
      report(
        `run at ${scheduledFor.toISOString()}: ${enqueued} enqueued in ${seconds.toFixed(2)} s, ${dbCommands} commands (${byCommand})`,
      );
      return { run_s: Math.round(seconds * 100) / 100, db_commands: dbCommands, enqueued };
    };
    const first = await runOnce(at);
    const second = await runOnce(new Date(at.getTime() + 15 * 60_000));
    report(
      JSON.stringify({
        bench: 'inquiries',
        accounts: accountTotal,
        inquiries: inquiryTotal,
        open: openTotal,
        due: dueNow,
        ...first,
        next_run_s: second.run_s,
        next_db_commands: second.db_commands,
        next_enqueued: second.enqueued,
      }),
    );
  } finally {
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
    }
    await mongoose.disconnect();
    await database.stop();
  }
}
