/**
 * The reprint check (转载): a traceable source and the original title kept. Pure code, no I/O.
 */
import { normalizeText } from './term-automaton';
import type { ContentFinding, ContentRules, DraftContent } from './content-rule-set-rules';

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
export function checkReprint(content: DraftContent, rules: ContentRules): ContentFinding[] {
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
