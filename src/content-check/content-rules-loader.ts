/**
 * Reads the content-check rule files (R7) from config/content-rules/, validates them and compiles
 * them. A unit edits the JSON files to change its dictionaries without a code change; a mistake in
 * a file stops start-up with a message naming the file and the entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findProjectRoot } from '../shared/project-root';
import { ContentRuleError, compileContentRules, findingSeverities, formatDataPath } from './content-rule-set-rules';
import type { ContentRuleData, ContentRules } from './content-rule-set-rules';

const severity = z.enum(findingSeverities);
const text = z.string().trim().min(1, { error: 'must not be empty' });
const terms = z.array(text);
const description = z.string().optional();

const expressionFile = z.strictObject({
  description,
  category: text,
  severity,
  entries: z.array(
    z.strictObject({ wrong: text, correct: text, note: z.string().optional(), severity: severity.optional() }),
  ),
  exceptions: terms,
});

/** One schema per file; `strictObject` so that a misspelt key ("exeptions") is an error, not ignored. */
const ruleFiles = {
  classifiedMarkers: {
    file: 'classified-markers.json',
    schema: z.strictObject({
      description,
      category: text,
      markers: z.array(z.strictObject({ term: text, explanation: text, severity: severity.optional() })),
      exceptions: terms,
    }),
  },
  sensitiveWords: {
    file: 'sensitive-words.json',
    schema: z.strictObject({
      description,
      categories: z.array(
        z.strictObject({
          id: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'must be a kebab-case id' }),
          name: text,
          severity,
          suggestion: text,
          words: z.array(
            z.union([text, z.strictObject({ term: text, severity: severity.optional(), suggestion: text.optional() })]),
          ),
        }),
      ),
      exceptions: terms,
    }),
  },
  advertising: {
    file: 'advertising.json',
    schema: z.strictObject({
      description,
      category: text,
      severity,
      phrases: terms,
      purchaseCalls: terms,
      priceCallWindow: z.number().int().min(0).max(200),
      exceptions: terms,
    }),
  },
  wrongExpressions: { file: 'wrong-expressions.json', schema: expressionFile },
  misusedWords: { file: 'misused-words.json', schema: expressionFile },
  reprint: {
    file: 'reprint.json',
    schema: z.strictObject({ description, category: text, vagueSources: terms }),
  },
} as const;

type RuleFileKey = keyof typeof ruleFiles;

export const defaultContentRulesDirectory = (): string => path.join(findProjectRoot(), 'config', 'content-rules');

function readRuleFile<Key extends RuleFileKey>(
  directory: string,
  key: Key,
): z.output<(typeof ruleFiles)[Key]['schema']> {
  const { file, schema } = ruleFiles[key];
  const filePath = path.join(directory, file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(filePath, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContentRuleError([key], `cannot read the content rules: ${reason}`, filePath);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const entryPath = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    const value = readPath(raw, entryPath);
    const shown = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
    const where = entryPath.length > 0 ? `${filePath}: ${formatDataPath(entryPath)}` : filePath;
    throw new ContentRuleError([key, ...entryPath], `${issue.message}${shown}`, where);
  }
  return parsed.data as z.output<(typeof ruleFiles)[Key]['schema']>;
}

function readPath(source: unknown, keyPath: ReadonlyArray<string | number>): unknown {
  let current: unknown = source;
  for (const key of keyPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Reads and validates the rule files without compiling them. */
export function readContentRuleData(directory: string = defaultContentRulesDirectory()): ContentRuleData {
  return {
    classifiedMarkers: readRuleFile(directory, 'classifiedMarkers'),
    sensitiveWords: readRuleFile(directory, 'sensitiveWords'),
    advertising: readRuleFile(directory, 'advertising'),
    wrongExpressions: readRuleFile(directory, 'wrongExpressions'),
    misusedWords: readRuleFile(directory, 'misusedWords'),
    reprint: readRuleFile(directory, 'reprint'),
  };
}

/**
 * Loads the rule files from `directory` (default: <project>/config/content-rules) and compiles
 * them. Throws ContentRuleError naming the file and the entry when a file is missing, is not JSON,
 * does not match its schema, or holds a term that cannot be matched. Load once and reuse the result.
 */
export function loadContentRules(directory: string = defaultContentRulesDirectory()): ContentRules {
  const data = readContentRuleData(directory);
  try {
    return compileContentRules(data);
  } catch (error) {
    if (!(error instanceof ContentRuleError)) throw error;
    const [key, ...entryPath] = error.dataPath;
    const file = typeof key === 'string' && key in ruleFiles ? ruleFiles[key as RuleFileKey].file : String(key);
    const where = `${path.join(directory, file)}: ${formatDataPath(entryPath)}`;
    throw new ContentRuleError(error.dataPath, error.detail, where);
  }
}
