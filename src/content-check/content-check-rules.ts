/**
 * The content check run before a leader sees a draft (R7): classified-material markers, sensitive
 * and banned words, personal data, reprint rules, commercial advertising and serious wrong
 * expressions. The leader sees the findings inside the approval request. Rule data comes from the
 * JSON files under config/content-rules/ (see content-rules-loader.ts), compiled by
 * content-rule-set-rules.ts; this module checks drafts with it, the dictionary and personal data
 * here, the price next to a purchase call and the reprint rules in their own modules. Pure code, no I/O.
 */
import { findPersonalData } from './personal-data-rules';
import type { PersonalDataKind } from './personal-data-rules';
import { scanTerms } from './term-automaton';
import { ruleGroups } from './content-rule-set-rules';
import type {
  ContentFinding,
  ContentRuleId,
  ContentRules,
  DraftContent,
  FindingField,
  FindingSeverity,
} from './content-rule-set-rules';
import { findPriceWithCall } from './advertising-price-rules';
import type { Span } from './advertising-price-rules';
import { checkReprint } from './reprint-rules';

export { maskPersonalData } from './personal-data-rules';
export {
  ContentRuleError,
  compileContentRules,
  contentRuleIds,
  findingFields,
  findingSeverities,
  formatDataPath,
} from './content-rule-set-rules';
export type {
  ContentFinding,
  ContentRuleData,
  ContentRuleId,
  ContentRules,
  DictionaryEntry,
  DraftContent,
  ExpressionRuleData,
  FindingField,
  FindingSeverity,
  SensitiveWordData,
} from './content-rule-set-rules';

const severityRank: Record<FindingSeverity, number> = { block: 0, warn: 1, info: 2 };
const fieldRank: Record<FindingField, number> = { title: 0, body: 1, reprint: 2 };

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
      excerpt: match.located,
      suggestion: `${name}属于公民个人信息，除惩戒公示、强制性信息披露外应去标识化处理，例如改为“${match.masked}”。`,
    };
  });
}

/**
 * The serious wrong expressions (严重表述错误, a veto in the national inspection) in a text already
 * published: each as “错误”应为“正确”, once per wrong form. The inspection readiness report runs this on
 * what the platform sweep read, not only on drafts.
 */
export function seriousWrongExpressions(content: DraftContent, rules: ContentRules): string[] {
  const found = checkContent(content, rules).filter(
    (finding) => finding.rule === 'wrong-expression' && finding.severity === 'block',
  );
  return [...new Set(found.map((finding) => finding.suggestion.split('。')[0]))];
}
