import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContentRuleError, checkContent } from '../../../src/content-check/content-check-rules';
import { defaultContentRulesDirectory, loadContentRules } from '../../../src/content-check/content-rules-loader';

const shipped = defaultContentRulesDirectory();

/** A copy of the shipped rule files with one file changed by `edit`. */
function rulesDirectoryWith(file: string, edit: (content: string) => string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shenfa-content-rules-'));
  for (const name of fs.readdirSync(shipped)) fs.copyFileSync(path.join(shipped, name), path.join(directory, name));
  const target = path.join(directory, file);
  if (fs.existsSync(target)) fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
  return directory;
}

function editJson(edit: (data: Record<string, unknown>) => void) {
  return (content: string) => {
    const data = JSON.parse(content) as Record<string, unknown>;
    edit(data);
    return JSON.stringify(data);
  };
}

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

function loadError(file: string, edit: (content: string) => string): ContentRuleError {
  const directory = rulesDirectoryWith(file, edit);
  directories.push(directory);
  try {
    loadContentRules(directory);
  } catch (error) {
    if (error instanceof ContentRuleError) return error;
    throw error;
  }
  throw new Error('expected the rules to be refused');
}

describe('loading content rules', () => {
  test('when the shipped files are loaded, then they compile and check a draft', () => {
    expect(shipped).toBe(path.resolve(__dirname, '../../../config/content-rules'));
    const rules = loadContentRules();
    expect(rules.entries.length).toBeGreaterThan(200);
    expect(checkContent({ title: '通知', body: '绝密' }, rules)).toHaveLength(1);
  });

  test('when the data is edited, then the new word is found without a code change', () => {
    const directory = rulesDirectoryWith(
      'sensitive-words.json',
      editJson((data) => {
        (data.categories as Array<{ words: string[] }>)[0].words.push('新增禁用词');
      }),
    );
    directories.push(directory);
    expect(checkContent({ title: '', body: '含有新增禁用词' }, loadContentRules(directory))).toEqual([
      expect.objectContaining({ rule: 'sensitive-word', excerpt: '新增禁用词' }),
    ]);
  });

  test.each([
    [
      'an unknown severity',
      'sensitive-words.json',
      editJson((data) => {
        (data.categories as Array<Record<string, unknown>>)[1].severity = 'fatal';
      }),
      /sensitive-words\.json: categories\[1\]\.severity: .*, got "fatal"$/,
    ],
    [
      'a misspelt key',
      'advertising.json',
      editJson((data) => {
        data.exeptions = [];
      }),
      /advertising\.json: .*exeptions/,
    ],
    [
      'an empty term',
      'misused-words.json',
      editJson((data) => {
        (data.entries as Array<Record<string, unknown>>)[2].wrong = ' ';
      }),
      /misused-words\.json: entries\[2\]\.wrong: must not be empty/,
    ],
    [
      'a term with no characters left after normalisation',
      'classified-markers.json',
      editJson((data) => {
        (data.markers as Array<Record<string, unknown>>)[4].term = '★★';
      }),
      /classified-markers\.json: markers\[4\]: "★★" has no letters/,
    ],
    ['a file that is not JSON', 'reprint.json', () => '{ "category": ', /reprint\.json: cannot read the content rules/],
  ])('when a file has %s, then the error names the file and the entry', (_case, file, edit, message) => {
    const error = loadError(file, edit);
    expect(error.code).toBe('CONTENT_RULES_INVALID');
    expect(error.message).toMatch(message);
  });

  test('when a file is missing, then the error names it', () => {
    const directory = rulesDirectoryWith('wrong-expressions.json', (content) => content);
    directories.push(directory);
    fs.rmSync(path.join(directory, 'wrong-expressions.json'));
    expect(() => loadContentRules(directory)).toThrow(/wrong-expressions\.json: cannot read the content rules/);
  });
});
