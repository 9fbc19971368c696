/**
 * The content check run before a leader sees a draft (R7): classified-material markers, sensitive
 * and banned words, personal data, reprint rules, commercial advertising and serious wrong
 * expressions. The leader sees the findings inside the approval request. Rule data comes from the
 * JSON files under config/content-rules/ (see content-rules-loader.ts); this module compiles that
 * data and checks drafts with it. Pure code, no I/O.
 */
import { AppError } from '../shared/errors';
import { findPersonalData } from './personal-data-rules';
import type { PersonalDataKind } from './personal-data-rules';
import { buildTermAutomaton, maxTermLength, normalizeText, scanTerms } from './term-automaton';
import type { TermAutomaton } from './term-automaton';

export { maskPersonalData } from './personal-data-rules';

export const findingSeverities = ['block', 'warn', 'info'] as const;
/**
 * block: must be fixed before publishing (the leader should not approve it as is);
 * warn: the leader must look and judge; info: a hint, usually a wording preference.
 */
export type FindingSeverity = (typeof findingSeverities)[number];

export const findingFields = ['title', 'body', 'reprint'] as const;
/** Which string of the draft a finding's `start` and `end` refer to. */
export type FindingField = (typeof findingFields)[number];

/** The rules a finding can come from (its `rule`). */
export const contentRuleIds = [
  'classified-marker',
  'sensitive-word',
  'personal-id-number',
  'personal-mobile-number',
  'personal-bank-card',
  'reprint-source-missing',
  'reprint-source-vague',
  'reprint-original-title-missing',
  'reprint-title-changed',
  'advertising-phrase',
  'advertising-price',
  'wrong-expression',
  'misused-word',
] as const;
export type ContentRuleId = (typeof contentRuleIds)[number];

/**
 * One problem found in a draft.
 *
 * Positions are UTF-16 offsets (`String.prototype.slice` offsets) into the string named by `field`:
 * the draft's `title`, its `body`, or for `reprint` its `reprint.source` (a source that is missing
 * or an original title that is missing is reported at 0–0 with an empty excerpt). `excerpt` is the
 * original text between `start` and `end`, except for personal data, whose excerpt is masked.
 * `category` is a Chinese label for display; `rule` is the stable id (see `contentRuleIds`).
 */
export interface ContentFinding {
  rule: string;
  category: string;
  severity: FindingSeverity;
  field: FindingField;
  start: number;
  end: number;
  excerpt: string;
  /** What to do, in Chinese, ready to show to the officer and the leader. */
  suggestion: string;
}

export interface DraftContent {
  title: string;
  body: string;
  /** Set when the draft is a reprint (转载): where it comes from and the title it had there. */
  reprint?: { source: string; originalTitle: string } | null;
}

/** A dictionary word with its own severity or suggestion; a bare string takes its category's. */
export type SensitiveWordData = string | { term: string; severity?: FindingSeverity; suggestion?: string };

/** The parsed rule files, one property per file under config/content-rules/. */
export interface ContentRuleData {
  /** classified-markers.json */
  classifiedMarkers: {
    category: string;
    markers: Array<{ term: string; explanation: string; severity?: FindingSeverity }>;
    /** Longer words that contain a marker without being one (e.g. 揭秘密码 contains 秘密). */
    exceptions: string[];
  };
  /** sensitive-words.json */
  sensitiveWords: {
    categories: Array<{
      id: string;
      name: string;
      severity: FindingSeverity;
      suggestion: string;
      words: SensitiveWordData[];
    }>;
    exceptions: string[];
  };
  /** advertising.json */
  advertising: {
    category: string;
    severity: FindingSeverity;
    phrases: string[];
    /** Calls to buy; reported only together with a price nearby (仅需99元，点击购买). */
    purchaseCalls: string[];
    /** Largest gap, in characters, between a price and a purchase call for them to go together. */
    priceCallWindow: number;
    exceptions: string[];
  };
  /** wrong-expressions.json */
  wrongExpressions: ExpressionRuleData;
  /** misused-words.json */
  misusedWords: ExpressionRuleData;
  /** reprint.json */
  reprint: {
    category: string;
    /** Sources that cannot be traced (网络, 网友…), compared after normalisation. */
    vagueSources: string[];
  };
}

/** Wrong forms and their correct forms; the correct form of each entry is never flagged. */
export interface ExpressionRuleData {
  category: string;
  severity: FindingSeverity;
  entries: Array<{ wrong: string; correct: string; note?: string; severity?: FindingSeverity }>;
  exceptions: string[];
}

/** Rule data is grouped by file; an exception only suppresses terms of its own file. */
const ruleGroups = ['classifiedMarkers', 'sensitiveWords', 'advertising', 'wrongExpressions', 'misusedWords'] as const;
type RuleGroup = (typeof ruleGroups)[number];

/**
 * What a dictionary pattern means once matched: a term to report, an exception that suppresses the
 * terms of its group (file) it covers, or a purchase call, which is reported only next to a price.
 * `group` indexes the rule files.
 */
export type DictionaryEntry =
  | {
      readonly kind: 'term';
      readonly group: number;
      readonly rule: ContentRuleId;
      readonly category: string;
      readonly severity: FindingSeverity;
      readonly suggestion: string;
    }
  | { readonly kind: 'exception' | 'purchase-call'; readonly group: number };

/** Compiled rule data: build with `compileContentRules`, pass to `checkContent`; immutable and reusable. */
export interface ContentRules {
  readonly automaton: TermAutomaton;
  /** One entry per automaton pattern. */
  readonly entries: readonly DictionaryEntry[];
  readonly advertising: { readonly category: string; readonly severity: FindingSeverity; readonly window: number };
  readonly reprint: { readonly category: string; readonly vagueSources: ReadonlySet<string> };
}

/**
 * Rule data that cannot be used. `dataPath` starts with the ContentRuleData key (the file) and names
 * the entry; the loader replaces the key by the file's path in the message.
 */
export class ContentRuleError extends AppError {
  readonly dataPath: ReadonlyArray<string | number>;
  readonly detail: string;

  constructor(dataPath: ReadonlyArray<string | number>, detail: string, location = formatDataPath(dataPath)) {
    super('CONTENT_RULES_INVALID', `${location}: ${detail}`, { status: 500, expose: true });
    this.dataPath = dataPath;
    this.detail = detail;
  }
}

/** `["sensitiveWords", "categories", 1, "words", 3]` → `sensitiveWords.categories[1].words[3]`. */
export function formatDataPath(dataPath: ReadonlyArray<string | number>): string {
  return dataPath.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

const severityRank: Record<FindingSeverity, number> = { block: 0, warn: 1, info: 2 };
const fieldRank: Record<FindingField, number> = { title: 0, body: 1, reprint: 2 };

/**
 * Compiles the rule data: every term of every file (and every exception) goes into one automaton,
 * so a draft is scanned once whatever the number of terms. Throws ContentRuleError naming the file
 * and entry of a term that is empty or too long after normalisation, or of a wrong form that equals
 * its correct form.
 */
export function compileContentRules(data: ContentRuleData): ContentRules {
  const patterns: string[] = [];
  const entries: DictionaryEntry[] = [];
  const addTerm = (term: string, dataPath: Array<string | number>, entry: DictionaryEntry) => {
    const normalized = normalizeText(term);
    if (normalized.length === 0) {
      throw new ContentRuleError(dataPath, `"${term}" has no letters or characters left after normalisation`);
    }
    if (normalized.length > maxTermLength) {
      throw new ContentRuleError(dataPath, `"${term}" is longer than ${maxTermLength} characters`);
    }
    patterns.push(normalized);
    entries.push(entry);
  };
  const groupOf = (name: RuleGroup) => ruleGroups.indexOf(name);
  const addExceptions = (name: RuleGroup, exceptions: readonly string[]) => {
    exceptions.forEach((term, index) =>
      addTerm(term, [name, 'exceptions', index], { kind: 'exception', group: groupOf(name) }),
    );
  };

  const markers = data.classifiedMarkers;
  markers.markers.forEach((marker, index) =>
    addTerm(marker.term, ['classifiedMarkers', 'markers', index], {
      kind: 'term',
      group: groupOf('classifiedMarkers'),
      rule: 'classified-marker',
      category: markers.category,
      severity: marker.severity ?? 'block',
      suggestion: `疑似涉密标识“${marker.term}”：${marker.explanation}。涉密信息不得发布，请确认内容不涉密并删除该标识；如确属涉密，请撤回稿件并按保密规定处理。`,
    }),
  );
  addExceptions('classifiedMarkers', markers.exceptions);

  data.sensitiveWords.categories.forEach((category, categoryIndex) =>
    category.words.forEach((word, wordIndex) => {
      const term = typeof word === 'string' ? word : word.term;
      const own: { severity?: FindingSeverity; suggestion?: string } = typeof word === 'string' ? {} : word;
      addTerm(term, ['sensitiveWords', 'categories', categoryIndex, 'words', wordIndex], {
        kind: 'term',
        group: groupOf('sensitiveWords'),
        rule: 'sensitive-word',
        category: category.name,
        severity: own.severity ?? category.severity,
        suggestion: `“${term}”属于${category.name}类敏感词。${own.suggestion ?? category.suggestion}`,
      });
    }),
  );
  addExceptions('sensitiveWords', data.sensitiveWords.exceptions);

  const advertising = data.advertising;
  if (!Number.isInteger(advertising.priceCallWindow) || advertising.priceCallWindow < 0) {
    throw new ContentRuleError(['advertising', 'priceCallWindow'], 'must be a whole number of characters, 0 or more');
  }
  advertising.phrases.forEach((phrase, index) =>
    addTerm(phrase, ['advertising', 'phrases', index], {
      kind: 'term',
      group: groupOf('advertising'),
      rule: 'advertising-phrase',
      category: advertising.category,
      severity: advertising.severity,
      suggestion: `“${phrase}”是商业广告用语。政务新媒体严禁发布商业广告等经营性信息，请删除或改写。`,
    }),
  );
  advertising.purchaseCalls.forEach((call, index) =>
    addTerm(call, ['advertising', 'purchaseCalls', index], { kind: 'purchase-call', group: groupOf('advertising') }),
  );
  addExceptions('advertising', advertising.exceptions);

  const addExpressions = (name: 'wrongExpressions' | 'misusedWords', rule: ContentRuleId) => {
    const expressions = data[name];
    expressions.entries.forEach((expression, index) => {
      const dataPath = [name, 'entries', index];
      const wrong = normalizeText(expression.wrong);
      const correct = normalizeText(expression.correct);
      if (wrong === correct) {
        throw new ContentRuleError(dataPath, `wrong and correct forms are the same: "${expression.wrong}"`);
      }
      addTerm(expression.wrong, dataPath, {
        kind: 'term',
        group: groupOf(name),
        rule,
        category: expressions.category,
        severity: expression.severity ?? expressions.severity,
        suggestion: `“${expression.wrong}”应为“${expression.correct}”。${expression.note ?? ''}`,
      });
      // A correct form that contains the wrong one (wrong 特区, correct 香港特区) must not be flagged itself.
      if (correct.includes(wrong)) {
        addTerm(expression.correct, [...dataPath, 'correct'], { kind: 'exception', group: groupOf(name) });
      }
    });
    addExceptions(name, expressions.exceptions);
  };
  addExpressions('wrongExpressions', 'wrong-expression');
  addExpressions('misusedWords', 'misused-word');

  return {
    automaton: buildTermAutomaton(patterns),
    entries,
    advertising: {
      category: advertising.category,
      severity: advertising.severity,
      window: advertising.priceCallWindow,
    },
    reprint: {
      category: data.reprint.category,
      vagueSources: new Set(data.reprint.vagueSources.map(normalizeText)),
    },
  };
}

/**
 * Checks a draft's title and body (and its reprint details) against the rules. Findings are sorted
 * by field (title, body, reprint), then by start, longer spans first, then by severity. Each field's
 * positions are offsets into that field's own string (see `ContentFinding`). Runs in time linear in
 * the length of the draft, whatever the size of the dictionaries.
 */
export function checkContent(content: DraftContent, rules: ContentRules): ContentFinding[] {
  const findings = [
    ...checkField('title', content.title, rules),
    ...checkField('body', content.body, rules),
    ...checkReprint(content, rules),
  ];
  return findings.sort(
    (left, right) =>
      fieldRank[left.field] - fieldRank[right.field] ||
      left.start - right.start ||
      right.end - left.end ||
      severityRank[left.severity] - severityRank[right.severity] ||
      (left.rule < right.rule ? -1 : left.rule > right.rule ? 1 : 0),
  );
}

interface Span {
  start: number;
  end: number;
}

function checkField(field: 'title' | 'body', text: string, rules: ContentRules): ContentFinding[] {
  const { findings, purchaseCalls } = findDictionaryTerms(field, text, rules);
  // concat, not push(...): a long text can have more findings than a call can take arguments.
  return findings.concat(findPriceWithCall(field, text, rules, purchaseCalls), findPersonalDataFindings(field, text));
}

/**
 * Dictionary findings of one field. A term covered by an exception of its own file is dropped, and
 * so is a term inside a longer term of the same rule (or the same span with a milder severity), so
 * 全国人大委员长 is reported once, not also as 人大委员.
 */
function findDictionaryTerms(
  field: 'title' | 'body',
  text: string,
  rules: ContentRules,
): { findings: ContentFinding[]; purchaseCalls: Span[] } {
  const matches = scanTerms(rules.automaton, text);
  const { entries } = rules;
  const { starts, ends, patterns } = matches;
  const candidates: number[] = [];
  const exceptionsByGroup: Span[][] = ruleGroups.map(() => []);
  for (let index = 0; index < matches.count; index++) {
    const entry = entries[patterns[index]];
    if (entry.kind === 'exception') exceptionsByGroup[entry.group].push({ start: starts[index], end: ends[index] });
    else candidates.push(index);
  }
  const rankOf = (index: number) => {
    const entry = entries[patterns[index]];
    return entry.kind === 'term' ? severityRank[entry.severity] : 0;
  };
  candidates.sort(
    (left, right) => starts[left] - starts[right] || ends[right] - ends[left] || rankOf(left) - rankOf(right),
  );
  for (const exceptions of exceptionsByGroup) exceptions.sort((left, right) => left.start - right.start);

  // Sweep in order of start: an exception covers a term when it starts no later and ends no earlier.
  const exceptionCursor = ruleGroups.map(() => 0);
  const exceptionReach = ruleGroups.map(() => -1);
  const ruleReach = new Map<string, number>();
  const findings: ContentFinding[] = [];
  const purchaseCalls: Span[] = [];
  for (const index of candidates) {
    const entry = entries[patterns[index]];
    const start = starts[index];
    const end = ends[index];
    const { group } = entry;
    const exceptions = exceptionsByGroup[group];
    for (; exceptionCursor[group] < exceptions.length; exceptionCursor[group]++) {
      const exception = exceptions[exceptionCursor[group]];
      if (exception.start > start) break;
      exceptionReach[group] = Math.max(exceptionReach[group], exception.end);
    }
    if (exceptionReach[group] >= end) continue;
    if (entry.kind !== 'term') {
      purchaseCalls.push({ start, end });
      continue;
    }
    if ((ruleReach.get(entry.rule) ?? -1) >= end) continue;
    ruleReach.set(entry.rule, end);
    findings.push({
      rule: entry.rule,
      category: entry.category,
      severity: entry.severity,
      field,
      start,
      end,
      excerpt: text.slice(start, end),
      suggestion: entry.suggestion,
    });
  }
  return { findings, purchaseCalls };
}

const priceNumber = '(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?';
const pricePattern = new RegExp(`[¥￥]\\s*${priceNumber}(?:\\s*元)?|${priceNumber}\\s*(?:元|块钱)`, 'g');

/**
 * A price next to a purchase call (仅需99元，点击购买) suggests an advertisement: each purchase call
 * with prices within the configured window gives one finding spanning them, and overlapping
 * findings are merged. A price alone is not reported: government posts quote fees and ticket prices.
 */
function findPriceWithCall(
  field: 'title' | 'body',
  text: string,
  rules: ContentRules,
  purchaseCalls: readonly Span[],
): ContentFinding[] {
  if (purchaseCalls.length === 0) return [];
  const prices: Span[] = [];
  for (const match of text.matchAll(pricePattern))
    prices.push({ start: match.index, end: match.index + match[0].length });
  if (prices.length === 0) return [];
  const { window } = rules.advertising;
  const spans: Span[] = [];
  // Calls and prices are both in order of start, and prices do not overlap, so a cursor skips the
  // prices that ended too far before the current call: linear in the number of calls and prices.
  let first = 0;
  for (const call of purchaseCalls) {
    while (first < prices.length && prices[first].end < call.start - window) first++;
    const span = { start: call.start, end: call.end };
    let withPrice = false;
    for (let index = first; index < prices.length && prices[index].start <= call.end + window; index++) {
      const price = prices[index];
      if (price.start < call.end && call.start < price.end) continue;
      span.start = Math.min(span.start, price.start);
      span.end = Math.max(span.end, price.end);
      withPrice = true;
    }
    if (withPrice) spans.push(span);
  }
  spans.sort((left, right) => left.start - right.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged.map(({ start, end }) => ({
    rule: 'advertising-price',
    category: rules.advertising.category,
    severity: rules.advertising.severity,
    field,
    start,
    end,
    excerpt: text.slice(start, end),
    suggestion:
      '价格与购买号召同时出现，疑似商业广告。政务新媒体严禁发布商业广告等经营性信息；如为公益惠民信息，请审核人确认。',
  }));
}

const personalDataFindings: Record<PersonalDataKind, { rule: ContentRuleId; name: string }> = {
  'id-number': { rule: 'personal-id-number', name: '身份证号码' },
  'mobile-number': { rule: 'personal-mobile-number', name: '手机号码' },
  'bank-card': { rule: 'personal-bank-card', name: '银行卡号' },
};

function findPersonalDataFindings(field: 'title' | 'body', text: string): ContentFinding[] {
  return findPersonalData(text).map((match) => {
    const { rule, name } = personalDataFindings[match.kind];
    return {
      rule,
      category: '个人信息',
      severity: 'warn',
      field,
      start: match.start,
      end: match.end,
      excerpt: match.masked,
      suggestion: `${name}属于公民个人信息，除惩戒公示、强制性信息披露外应去标识化处理，例如改为“${match.masked}”。`,
    };
  });
}

/** Prefixes officers write before a source ("来源：网络"); dropped before comparing with vague sources. */
const sourcePrefix = /^(?:来源|稿源|信息来源|转自|转载自|转载于|摘自|出处|source)/;

/**
 * Reprints (转载) must name a traceable source and keep the original title: "转载发布的信息，均应注明
 * 来源，保证来源可追溯，不得歪曲、篡改标题原意和信息内容".
 *
 * A missing or untraceable source blocks: the rule has no exception, the check cannot be wrong about
 * an empty or "网络" source, and the officer fixes it in a minute. A changed title only warns: a
 * platform's length limit or a column prefix may change the words without changing the meaning,
 * which only the leader can judge. Titles are compared after normalisation, so punctuation, spaces
 * and full-width forms do not count as changes.
 */
function checkReprint(content: DraftContent, rules: ContentRules): ContentFinding[] {
  const reprint = content.reprint;
  if (!reprint) return [];
  const { category } = rules.reprint;
  const findings: ContentFinding[] = [];
  const source = normalizeText(reprint.source);
  if (source === '') {
    findings.push({
      rule: 'reprint-source-missing',
      category,
      severity: 'block',
      field: 'reprint',
      start: 0,
      end: 0,
      excerpt: '',
      suggestion: '转载稿件必须注明来源（原发布单位或媒体名称），保证来源可追溯。',
    });
  } else if (rules.reprint.vagueSources.has(source.replace(sourcePrefix, ''))) {
    findings.push({
      rule: 'reprint-source-vague',
      category,
      severity: 'block',
      field: 'reprint',
      start: 0,
      end: reprint.source.length,
      excerpt: reprint.source,
      suggestion: `“${reprint.source.trim()}”不是可追溯的来源，请写明原发布单位或媒体名称；原则上只转载党和政府网站以及主管单位确定的稿源单位发布的信息。`,
    });
  }
  const originalTitle = normalizeText(reprint.originalTitle);
  if (originalTitle === '') {
    findings.push({
      rule: 'reprint-original-title-missing',
      category,
      severity: 'warn',
      field: 'reprint',
      start: 0,
      end: 0,
      excerpt: '',
      suggestion: '请填写原标题，以便核对转载稿件是否保留了原标题。',
    });
  } else if (normalizeText(content.title) !== originalTitle) {
    findings.push({
      rule: 'reprint-title-changed',
      category,
      severity: 'warn',
      field: 'title',
      start: 0,
      end: content.title.length,
      excerpt: content.title,
      suggestion: `转载稿件应保留原标题“${reprint.originalTitle.trim()}”，不得歪曲、篡改标题原意；如确需改动，请审核人确认未改变原意。`,
    });
  }
  return findings;
}
