/**
 * `npm run deps:check` (second half) — fails when a hand-written source file under src/, bot/, miniprogram/ or
 * scripts/ is over 500 lines (STYLE.md §11: a file one can hold). A file whose first lines say `@generated`
 * is skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const maximumLines = 500;
const sourceFolders = ['src', 'bot', 'miniprogram', 'scripts'];
const sourceExtensions = /\.(ts|js|mjs|cjs|sh|wxml|wxss)$/;

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
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree but still in the index
  }
  if (text.split('\n', 5).some((line) => line.includes('@generated'))) continue;
  const lines = countLines(text);
  if (lines > maximumLines) problems.push(`${file}: ${lines} lines, over ${maximumLines}; split it along its seams`);
}

if (problems.length > 0) {
  process.stderr.write(`file sizes: ${problems.length} problem(s)\n${problems.map((line) => `  ${line}\n`).join('')}`);
  process.exit(1);
}
process.stdout.write(`file sizes: ${files.length} source files, none over ${maximumLines} lines\n`);
