/**
 * The one place that says whether a chat message is an approval decision, pure. Every path a decision
 * can come by — a plain reply, a reply quoting a review request, an @-mention in a group, the code
 * before or after the word, over several lines, with a comment — goes through `readDecision`.
 *
 * The rules, in the order they apply:
 * - Whole message: a message is a decision only when it starts as one (`同意`, `同意 K7Q2 …`,
 *   `K7Q2 同意 …`, or `同意 …` under a quoted request); a sentence that merely contains 同意 never acts.
 * - A question never approves: a question mark of any width, a sentence ending in 吗/么/嘛/呢/吧/否,
 *   an A-not-A form (同意不, 行不行, 是不是 …) anywhere in the message, comment included, makes it a
 *   question, answered with the format and what is pending (issues 13 and 16: "同意？" had approved).
 * - A rejection that names its draft (a code, or a quoted request) and gives a reason rejects, whatever
 *   the reason ends with: "驳回 K7Q2 数据来源是否核实？" asks the officer, not the bot (issue 13). The
 *   word and the code must not ask ("驳回？", "驳回吗 K7Q2"), and a reason that is only a tag question
 *   ("对吗", "这样行不行") asks about the rejection itself: both stay questions.
 * - A rejection needs a reason.
 */
import type { Decision } from '../src/drafts/review-state';
import { foldWidth, isOnlyPunctuation, separators, startsWithWord, takeCode } from './chat-text';

export const approveWords = ['同意', '通过', '批准'] as const;
export const rejectWords = ['不同意', '驳回', '退回'] as const;
const decisionWords = [...rejectWords, ...approveWords];

/** What a message says about a decision, when it is about one. */
export type DecisionReading =
  | {
      kind: 'decide';
      decision: Decision;
      code: string | null;
      comment: string;
      quotedVersion: number | null;
      /** The step the quoted request was for; null when nothing is quoted or the quote names no step. */
      quotedStep: number | null;
    }
  /** A rejection with no reason: not recorded, the sender is told to give one. */
  | { kind: 'reason-missing'; code: string | null }
  /** Looks like a decision but is not one (a question, a sentence, two codes): never acts. */
  | { kind: 'unclear'; question: boolean };

/** The draft, version and step a quoted review request names. */
export interface QuotedRequest {
  code: string;
  version: number;
  /** null when the quote names no step (a route of one step, or a message other than a request). */
  step: number | null;
}

/**
 * The step on a request's first line: its heading ends "《标题》 第1/2步" (routes of several steps), and
 * a WeCom card click reads "#K7Q2 第1版 第2步" (wecom-card-rules.ts). Read only there, so a step
 * written in the body or a comment is never taken for it.
 */
const stepAtEndOfHeading = /(?:》|版) 第(\d{1,2})(?:\/\d{1,2})?步$/;

/**
 * The request a quoted reply answers: the bot's review requests carry "#K7Q2", their step (issue 21)
 * and, for revisions, "第N版".
 */
export function readQuotedRequest(quote: string): QuotedRequest | null {
  const folded = foldWidth(quote);
  const code = /#([A-Z2-9]{4})/.exec(folded)?.[1];
  if (!code) return null;
  const version = /第(\d+)版/.exec(folded);
  const heading = folded.split('\n').find((line) => line.includes(`#${code}`)) ?? '';
  const step = stepAtEndOfHeading.exec(heading.trim());
  return { code, version: version ? Number(version[1]) : 1, step: step ? Number(step[1]) : null };
}

const questionMarks = /[?¿⁇⁈⁉‽﹖︖❓❔🤔]/u;
/** A clause ending in one of these particles asks (同意吗, 可以了吧, 同意否). */
const questionParticle = /[吗嘛么麽呢吧否]$/u;
/** Forms that ask without a question mark or a particle at the end; "X不X" is any A-not-A (驳回不驳回). */
const askingPhrases =
  /(\p{Script=Han}{1,2})不\1|可不可以|能不能|有没有|同不同意|通不通过|批不批准|驳不驳回|退不退回|可否|能否|为什么|为何|怎么样|怎么办/u;

/** True when the text asks something (on folded text; links are left out, their "?" starts a query). */
export function asksQuestion(text: string): boolean {
  const words = foldWidth(text).replace(/https?:\/\/\S+/gi, ' ');
  if (questionMarks.test(words) || askingPhrases.test(words)) return true;
  return words
    .split(/[\p{P}\p{S}\p{Z}\p{Cf}\s]+/u)
    .filter(Boolean)
    .some((clause) => questionParticle.test(clause));
}

/**
 * Reads a message as a decision. `written` is the message as the sender wrote it, cleaned and without
 * @-mentions (comments are taken from it); `quoted` is the review request the message quotes, if any.
 * Returns null when the message does not start as a decision, so other commands may read it.
 */
export function readDecision(written: string, quoted: QuotedRequest | null = null): DecisionReading | null {
  const text = foldWidth(written);
  const head = readHead(text);
  if (!head) return null;
  const afterWord = text.slice(head.end);
  if (head.decision === 'reject') {
    const rejection = readRejectionWithReason(written, text, head, afterWord, quoted);
    if (rejection) return rejection;
  }
  // "同意不", "通过没有": the word asked about, not given.
  if (asksQuestion(text) || /^(?:不|没有?)(?:[\p{P}\p{S}\s]|$)/u.test(afterWord)) {
    return { kind: 'unclear', question: true };
  }
  let code = head.code;
  let rest = afterWord.replace(separators, '');
  if (!code) {
    const taken = takeCode(afterWord);
    if (taken) {
      code = taken.code;
      rest = taken.rest;
    } else if (!quoted && !isOnlyPunctuation(afterWord)) {
      // "同意这个方案": a sentence, not a decision (with a quote, the text after the word is the comment).
      return { kind: 'unclear', question: false };
    }
  }
  if (quoted && code && code !== quoted.code) return { kind: 'unclear', question: false };
  const comment = isOnlyPunctuation(rest) ? '' : written.slice(written.length - rest.length).trim();
  const decidedCode = quoted?.code ?? code;
  if (head.decision === 'reject' && !comment) return { kind: 'reason-missing', code: decidedCode };
  return {
    kind: 'decide',
    decision: head.decision,
    code: decidedCode,
    comment,
    quotedVersion: quoted?.version ?? null,
    quotedStep: quoted?.step ?? null,
  };
}

/** Words that ask about the rejection itself when they are all the "reason" says: 驳回 K7Q2 对吗？ (repeated: 吗吗) */
const tagQuestion =
  /^(?:这样|这么|就这样)?(?:对吗|对么|好吗|行吗|可以吗|可以么|是吗|妥吗|合适吗|对不对|好不好|行不行|可不可以|可以不|妥不妥|合不合适|怎么样|如何|吗|么|嘛|呢|吧|否)+$/u;

/**
 * "驳回 K7Q2 理由…" and "K7Q2 驳回 理由…" (or "驳回 理由…" under a quoted request) with a reason of
 * substance: a rejection, even when the reason asks. Null when the message is not of that form, so the
 * other rules read it (a question, a missing reason, a sentence).
 */
function readRejectionWithReason(
  written: string,
  text: string,
  head: { code: string | null; end: number },
  afterWord: string,
  quoted: QuotedRequest | null,
): DecisionReading | null {
  let code = head.code;
  let reason = afterWord.replace(separators, '');
  if (!code) {
    const taken = takeCode(afterWord);
    if (taken) {
      code = taken.code;
      reason = taken.rest;
    }
  }
  if (!code && !quoted) return null;
  if (quoted && code && code !== quoted.code) return null;
  // The word and the code as written, up to the reason: "驳回？ K7Q2 …", "驳回吗 K7Q2 …" ask.
  const lead = text.slice(0, text.length - reason.length).replace(/[\s:,.;!、，。：；！]+$/u, '');
  if (asksQuestion(lead) || /^(?:不|没有?)(?:[\p{P}\p{S}\s]|$|同意|驳回|退回)/u.test(afterWord)) return null;
  // "驳回 K7Q2 对吗", "驳回 吗 …": a first clause that only asks is about the rejection itself.
  // A reason says something in words or figures: marks, emoji and unassigned characters are not read.
  const firstClause =
    reason
      .split(/[\p{P}\p{S}\p{Z}\p{Cf}\s]+/u)
      .map((clause) => clause.replace(/[^\p{L}\p{N}]/gu, ''))
      .find(Boolean) ?? '';
  if (!firstClause || tagQuestion.test(firstClause)) return null;
  return {
    kind: 'decide',
    decision: 'reject',
    code: quoted?.code ?? code,
    comment: written.slice(written.length - reason.length).trim(),
    quotedVersion: quoted?.version ?? null,
    quotedStep: quoted?.step ?? null,
  };
}

/** The decision word at the start ("同意 …"), or after a code at the start ("K7Q2 同意 …"). */
function readHead(text: string): { decision: Decision; code: string | null; end: number } | null {
  const atStart = startsWithWord(text, decisionWords);
  if (atStart) return { decision: decisionOf(atStart), code: null, end: atStart.length };
  const taken = takeCode(text);
  if (!taken) return null;
  const word = startsWithWord(taken.rest, decisionWords);
  if (!word) return null;
  return { decision: decisionOf(word), code: taken.code, end: text.length - taken.rest.length + word.length };
}

function decisionOf(word: string): Decision {
  return (rejectWords as readonly string[]).includes(word) ? 'reject' : 'approve';
}

/** True when the text mentions a decision word anywhere ("我同意你的看法"): worth a format reminder. */
export function mentionsDecision(text: string): boolean {
  return decisionWords.some((word) => foldWidth(text).includes(word));
}
