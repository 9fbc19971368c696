/**
 * The content check's rule set (R7): the rule data as read from config/content-rules/, what a check
 * finds, and compiling the data into one automaton so a draft is scanned once whatever the number of
 * terms. Pure code, no I/O.
 */
import { AppError } from '../shared/errors';
import { buildTermAutomaton, maxTermLength, normalizeText } from './term-automaton';
import type { TermAutomaton } from './term-automaton';

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
export const ruleGroups = [
  'classifiedMarkers',
  'sensitiveWords',
  'advertising',
  'wrongExpressions',
  'misusedWords',
] as const;
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
