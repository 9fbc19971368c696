/**
 * `npm run deps:check` (second half) — fails when a hand-written source file under src/, bot/, miniprogram/ or
 * scripts/ is over 500 lines (STYLE.md §11: a file one can hold). Files that were already over on the day the
 * check arrived are listed below with their line count then: such a file fails when it grows, and its entry
 * fails as stale once the file is split, so the list only shrinks. A file whose first lines say `@generated`
 * is skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const maximumLines = 500;
const sourceFolders = ['src', 'bot', 'miniprogram', 'scripts'];
const sourceExtensions = /\.(ts|js|mjs|cjs|sh|wxml|wxss)$/;

/** Over-size files as of issue 23, with their line counts then. Lower or remove an entry as the file is split. */
const knownOverSize: Readonly<Record<string, number>> = {
  'src/drafts/draft-service.ts': 972,
  'src/drafts/draft-rules.ts': 852,
};

function countLines(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

// Tracked files plus new ones not yet committed, minus what .gitignore leaves out (build output, data).
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...sourceFolders], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => sourceExtensions.test(file));

const problems: string[] = [];
const seen = new Set<string>();
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree but still in the index
  }
  if (text.split('\n', 5).some((line) => line.includes('@generated'))) continue;
  const lines = countLines(text);
  const allowed = knownOverSize[file];
  if (allowed !== undefined) seen.add(file);
  if (allowed === undefined && lines > maximumLines) {
    problems.push(`${file}: ${lines} lines, over ${maximumLines}; split it along its seams`);
  } else if (allowed !== undefined && lines > allowed) {
    problems.push(`${file}: ${lines} lines, grew past its known ${allowed}; split it rather than grow it`);
  } else if (allowed !== undefined && lines <= maximumLines) {
    problems.push(`${file}: now ${lines} lines; remove its entry from knownOverSize in scripts/check-file-sizes.ts`);
  } else if (allowed !== undefined && lines < allowed) {
    problems.push(`${file}: now ${lines} lines; lower its entry in scripts/check-file-sizes.ts to ${lines}`);
  }
}
for (const file of Object.keys(knownOverSize)) {
  if (!seen.has(file))
    problems.push(`${file}: gone; remove its entry from knownOverSize in scripts/check-file-sizes.ts`);
}

if (problems.length > 0) {
  process.stderr.write(`file sizes: ${problems.length} problem(s)\n${problems.map((line) => `  ${line}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(
  `file sizes: ${files.length} source files, none over ${maximumLines} lines but the ${seen.size} known ones\n`,
);
