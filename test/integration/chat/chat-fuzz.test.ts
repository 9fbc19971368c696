/**
 * Seeded chat fuzz (issue 16): about 1,000 random, mutated and realistic messages from bound officers,
 * leaders, an admin, a stranger and a group chat, through the real bot and database, then the
 * invariants: every direct message and @-mention answered; no decision but from the bound approver's
 * explicit decision message; no publication without the approved hash; the trail verifies; no reply
 * shows a stack trace, `undefined`, `[object Object]`, `NaN` or English developer text.
 *
 * CHAT_FUZZ_SEED replays a run (the seed is printed); CHAT_FUZZ_MESSAGES sets the length.
 */
import fc from 'fast-check';
import { connectTestDatabase, disconnectTestDatabase } from '../../support/database';
import { ChatHarness } from '../../support/chat-harness';
import { hostileText } from '../../support/hostile-text';
import { botDisplayName } from '../../../bot/mock-chat';
import type { mock } from 'wechaty-puppet-mock';
import { AuditEventModel } from '../../../src/audit/audit-event-model';
import type { AuditEvent } from '../../../src/audit/audit-event-model';
import { verifyAuditChain } from '../../../src/audit/audit-service';
import { DraftModel } from '../../../src/drafts/draft-model';
import type { Draft } from '../../../src/drafts/draft-model';
import { hashContent } from '../../../src/drafts/draft-content-rules';

const seed = Number(process.env.CHAT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const messageCount = Number(process.env.CHAT_FUZZ_MESSAGES ?? 1000);

const officer = '刘洋';
const firstLeader = '孙丽';
const secondLeader = '赵海涛';
const backupLeader = '钱卫东';
const admin = '李静';
const otherOfficer = '蒋明';
const stranger = '路人甲';
const bound = [officer, firstLeader, secondLeader, backupLeader, admin, otherOfficer];
const everyone = [...bound, stranger];
const groupTopic = '应急局审稿群';

/** One step of the script; codes and quotes are filled in from what the bot said so far. */
type Step =
  | { kind: 'random'; from: string; text: string; group: boolean }
  | { kind: 'submit'; from: string; title: string; body: string }
  | { kind: 'decide'; from: string; layout: Layout; word: string; comment: string; question: string; pick: number }
  | { kind: 'command'; from: string; word: string; pick: number; tail: string; group: boolean }
  | { kind: 'mutated'; from: string; base: string; pick: number; noise: string; at: number };

type Layout = 'code-first' | 'word-first' | 'plain' | 'next-line' | 'quoted' | 'group';

const person = (names: string[]) => fc.constantFrom(...names);
const leaders = [firstLeader, secondLeader, backupLeader];
const shortText = fc.string({ maxLength: 12 });
const questionTails = ['', '', '', '？', '?', '吗', '吗？', '\n吗？', ' 可以吗'];

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      from: person(everyone),
      text: hostileText,
      group: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      from: fc.constantFrom(officer, officer, officer, otherOfficer, stranger),
      title: fc.oneof(fc.constantFrom('关于防汛值守的通知', '安全生产月活动', '应急演练简报'), hostileText),
      body: fc.oneof(fc.constantFrom('各乡镇：请按要求落实值班制度。', '本周开展隐患排查。'), hostileText),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      from: fc.oneof({ weight: 4, arbitrary: person(leaders) }, { weight: 1, arbitrary: person(everyone) }),
      layout: fc.constantFrom<Layout>('code-first', 'word-first', 'plain', 'next-line', 'quoted', 'group'),
      word: fc.constantFrom('同意', '通过', '批准', '驳回', '退回', '不同意', '同意', '同意'),
      comment: fc.oneof(fc.constantFrom('', '', '内容属实', '请核实数据', '可以发'), hostileText),
      question: fc.constantFrom(...questionTails),
      pick: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      from: person(everyone),
      word: fc.constantFrom('查看', '已发布', '撤回', '修改', '待办', '我的稿件', '帮助', '审计摘要', '脱敏', '转交'),
      pick: fc.nat(),
      tail: fc.oneof(fc.constantFrom('', 'https://mp.weixin.qq.com/s/fuzz', '新标题\n新正文。'), shortText),
      group: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      from: person(everyone),
      base: fc.constantFrom('同意 CODE', '驳回 CODE 理由', '投稿 标题\n正文', '查看 CODE', '已发布 CODE https://a.b/c'),
      pick: fc.nat(),
      noise: hostileText,
      at: fc.nat(),
    }),
  },
);

/** Progress and the seed, printed so that a failed run can be replayed. */
function note(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface SentMessage {
  index: number;
  from: string;
  text: string;
  group: boolean;
  sentAt: number;
  answered: boolean;
}

describe('chat fuzz', () => {
  let chat: ChatHarness;
  let room: mock.RoomMock;
  const codes: string[] = [];
  const requests = new Map<string, string[]>();
  const botLines: { to: string; text: string }[] = [];

  beforeAll(async () => {
    await connectTestDatabase();
    chat = await ChatHarness.start();
    for (const name of bound) await chat.bind(name);
    chat.contact(stranger);
    // The fuzz runs over puppet-mock only (jest project "integration"), whose rooms are RoomMocks.
    room = chat.room(groupTopic, [officer, firstLeader, secondLeader, stranger]) as mock.RoomMock;
    chat.observe((line) => {
      if (!line.fromBot) return;
      botLines.push({ to: line.room ? `room:${line.room}` : line.to, text: line.text });
      for (const code of line.text.matchAll(/#([A-Z2-9]{4})/g)) if (!codes.includes(code[1])) codes.push(code[1]);
      if (line.text.startsWith('【待审核】')) requests.set(line.to, [...(requests.get(line.to) ?? []), line.text]);
    });
  }, 120_000);

  afterAll(async () => {
    await chat.stop();
    await disconnectTestDatabase();
  });

  const codeAt = (pick: number) =>
    codes.length && pick % 5 ? codes[pick % codes.length] : ['K7Q2', 'ZZZZ', '0000'][pick % 3];

  /** The message a step sends, and whether it goes to the group (with an @-mention of the bot). */
  function render(step: Step): { text: string; group: boolean } {
    switch (step.kind) {
      case 'random':
        return { text: step.text, group: step.group };
      case 'submit':
        return { text: `投稿 ${step.title}\n${step.body}`, group: false };
      case 'command': {
        const code = codeAt(step.pick);
        const needsCode = !['待办', '我的稿件', '帮助', '审计摘要'].includes(step.word);
        return { text: needsCode ? `${step.word} ${code} ${step.tail}` : step.word, group: step.group };
      }
      case 'mutated': {
        const base = step.base.replace('CODE', codeAt(step.pick));
        const at = step.at % (base.length + 1);
        return { text: base.slice(0, at) + step.noise + base.slice(at), group: false };
      }
      case 'decide': {
        const code = codeAt(step.pick);
        const comment = step.comment ? ` ${step.comment}` : '';
        const said = `${step.word}${comment}${step.question}`;
        switch (step.layout) {
          case 'code-first':
            return { text: `${code} ${said}`, group: false };
          case 'word-first':
            return { text: `${step.word} ${code}${comment}${step.question}`, group: false };
          case 'plain':
            return { text: said, group: false };
          case 'next-line':
            return { text: `${step.word}\n${code}${comment}${step.question}`, group: false };
          case 'group':
            return { text: `${step.word} ${code}${comment}${step.question}`, group: true };
          case 'quoted': {
            const seen = requests.get(step.from) ?? [];
            const request = seen[step.pick % Math.max(seen.length, 1)] ?? `【待审核】#${code}`;
            return { text: `「${botDisplayName}：${request}」\n- - - - - - - - - - - - - - -\n${said}`, group: false };
          }
        }
      }
    }
  }

  /** Sends one message and waits for the answer (to the sender, or in the group for an @-mention). */
  async function send(index: number, from: string, text: string, group: boolean): Promise<SentMessage> {
    const before = chat.messagesOf(from).length + (group ? chat.messagesOf(`room:${groupTopic}`).length : 0);
    const sentAt = Date.now();
    if (group) chat.say(from, `@${botDisplayName} ${text}`, room, [chat.botUser]);
    else chat.say(from, text);
    const answeredBy = Date.now() + 15_000;
    const count = () => chat.messagesOf(from).length + (group ? chat.messagesOf(`room:${groupTopic}`).length : 0);
    while (count() === before && Date.now() < answeredBy) await new Promise((resolve) => setTimeout(resolve, 5));
    const answered = count() > before;
    // A moment of quiet, so what else this message caused arrives before the next one is sent.
    for (let seen = botLines.length, quietSince = Date.now(); Date.now() - quietSince < 25;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (botLines.length !== seen) [seen, quietSince] = [botLines.length, Date.now()];
    }
    return { index, from, text, group, sentAt, answered };
  }

  test(`when ${messageCount} random, mutated and realistic messages arrive, then the invariants hold`, async () => {
    note(`chat fuzz: seed ${seed} (replay with CHAT_FUZZ_SEED=${seed}), ${messageCount} messages`);
    const [script] = fc.sample(fc.array(stepArbitrary, { minLength: messageCount, maxLength: messageCount }), {
      seed,
      numRuns: 1,
    });
    const sent: SentMessage[] = [];
    const replyTimes: number[] = [];
    for (const [index, step] of script.entries()) {
      const { text, group } = render(step);
      const message = await send(index, step.from, text, group);
      sent.push(message);
      replyTimes.push(Date.now() - message.sentAt);
      if ((index + 1) % 100 === 0) {
        // What the outbox prune job does in production (the harness runs no jobs): sent messages leave.
        await chat.services.outbox.pruneSent(new Date());
        const recent = replyTimes.slice(-100).sort((left, right) => left - right);
        const missed = sent.filter((each) => !each.answered).length;
        note(`chat fuzz: ${index + 1} sent, median of the last 100 ${recent[50]} ms, ${missed} unanswered`);
      }
    }
    const quartile = (part: number) => {
      const slice = replyTimes
        .slice((part * replyTimes.length) / 4, ((part + 1) * replyTimes.length) / 4)
        .sort((a, b) => a - b);
      return slice[Math.floor(slice.length / 2)];
    };
    note(`chat fuzz: median handling + quiet ms per quarter: ${[0, 1, 2, 3].map(quartile).join(' / ')}`);
    const context = `(seed ${seed})`;

    // Every direct message and @-mention answered.
    const unanswered = sent.filter((message) => !message.answered);
    expect({ unanswered: unanswered.map(({ index, from, text }) => ({ index, from, text })), context }).toEqual({
      unanswered: [],
      context,
    });

    // No decision but from the bound approver's explicit decision message.
    const events = await AuditEventModel.find({}).sort({ _id: 1 }).lean<AuditEvent[]>();
    const drafts = await DraftModel.find({}).lean<Draft[]>();
    const people = await chat.services.people.findPeople([
      ...new Set(
        drafts.flatMap((draft) =>
          draft.steps.flatMap((step) => step.decisions.map((decision) => String(decision.approverId))),
        ),
      ),
    ]);
    const decisionEvents = events.filter(
      (event) => event.action === 'draft.approved' || event.action === 'draft.rejected',
    );
    for (const event of decisionEvents) {
      const cause = [...sent].reverse().find((message) => message.sentAt <= event.at.getTime());
      const decider = people.get(String(event.actor.personId))?.name;
      const problem = { event: event._id, action: event.action, decider, cause, context };
      expect(cause).toBeDefined();
      expect({ ...problem, decidedBySender: decider === cause?.from }).toEqual({ ...problem, decidedBySender: true });
      expect({ ...problem, explicit: isExplicitDecision(cause?.text ?? '') }).toEqual({ ...problem, explicit: true });
      const draft = drafts.find((candidate) => String(candidate._id) === event.subject.id);
      const designated = draft?.steps.some((step) =>
        [...step.approverIds, ...step.backupApproverIds].some((id) => String(id) === String(event.actor.personId)),
      );
      expect({ ...problem, designated }).toEqual({ ...problem, designated: true });
    }

    // No publication without the approved hash.
    for (const draft of drafts.filter((candidate) => candidate.status === 'published')) {
      const version = draft.versions.find((candidate) => candidate.number === draft.currentVersion);
      const recomputed =
        version && hashContent({ ...version, attachmentHashes: version.attachments.map((file) => file.sha256) });
      const approvals = draft.steps.map((step) =>
        step.decisions.filter((decision) => decision.decision === 'approve').map((decision) => decision.contentHash),
      );
      const problem = { draft: draft.shortCode, context };
      expect({ ...problem, stored: version?.contentHash }).toEqual({ ...problem, stored: recomputed });
      for (const stepApprovals of approvals) expect(stepApprovals).toContain(recomputed);
    }

    // The trail verifies.
    expect(await verifyAuditChain()).toMatchObject({ ok: true, storedWithReplacedCharacters: [] });

    // No reply shows developer text.
    const userWords = new Set(sent.flatMap((message) => message.text.match(/[A-Za-z]+/g) ?? []));
    const leaks = botLines.filter((line) => developerText(line.text, userWords));
    expect({ leaks: leaks.slice(0, 5), context }).toEqual({ leaks: [], context });
    expect(drafts.length).toBeGreaterThan(0);
    expect(decisionEvents.length).toBeGreaterThan(0);
  }, 600_000);
});

/**
 * The test's own, deliberately simple idea of an explicit decision, independent of the bot's grammar:
 * after a quoted request or @-mention, the message starts with a decision word (or a code and then
 * one), and nowhere asks (no question mark, no 吗 ending a clause) — except that a rejection's reason
 * may ask, when the word and code before it do not.
 */
function isExplicitDecision(text: string): boolean {
  const reply = text
    .replace(/^「[\s\S]*」\s*\n(?:-\s*){5,}\n/, '')
    .replace(/^(?:@\S+\s+)+/, '')
    .trim();
  const decision = /^(?:#?[A-Za-z0-9]{4}[\s,，:：]*)?(同意|通过|批准|驳回|退回|不同意)/.exec(reply);
  if (!decision) return false;
  const asks = (part: string) => /[?？]|吗(?:[\p{P}\p{S}\p{Z}\s]|$)/u.test(part);
  if (!asks(reply)) return true;
  // A rejection may ask the officer something in its reason (issue 13), as long as the word and the code do not ask.
  if (!['驳回', '退回', '不同意'].includes(decision[1])) return false;
  const reason = reply.slice(decision[0].length).replace(/^[\s,，:：]*(?:#?[A-Za-z0-9]{4})?/, '');
  const head = reply.slice(0, reply.length - reason.length);
  return !asks(head) && /[\p{L}\p{N}]/u.test(reason.replace(/吗|可以|[?？]/gu, ''));
}

/** Text a developer wrote for developers, not for the people in the chat. */
function developerText(text: string, userWords: Set<string>): boolean {
  // Links, signatures and hashes, and the words people wrote themselves (echoed in titles, comments, names) are not the bot's.
  const words = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[A-Za-z0-9+/=]{20,}/g, ' ')
    .replace(/[A-Za-z]+/g, (word) => (userWords.has(word) ? ' ' : word));
  return (
    /\bat \S+ \(.*:\d+:\d+\)|\bundefined\b|\[object Object\]|\bNaN\b/.test(words) ||
    /\b(?:Error|TypeError|RangeError|Exception|ECONN[A-Z]+|E11000|MongoServerError|failed|cannot|invalid)\b/i.test(
      words,
    ) ||
    /\b[a-z]+[A-Z][a-zA-Z]+\b/.test(words)
  );
}
