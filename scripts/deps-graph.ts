/**
 * `npm run deps:graph` — draws the import graph of src/ and bot/ into .deps-graph/ (git-ignored): one picture of
 * the folders and one of every module. SVG when Graphviz's `dot` is installed, otherwise Mermaid text (open
 * the .md files in any Markdown viewer that renders Mermaid) plus dependency-cruiser's HTML report.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outputFolder = '.deps-graph';
const cruise = ['depcruise', 'src', 'bot', '--include-only', '^(src|bot)/'];
const folderCollapse = ['--collapse', '^(src/[^/]+|bot)'];

function depcruise(extraArguments: string[]): string {
  return execFileSync('npx', [...cruise, ...extraArguments], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

mkdirSync(outputFolder, { recursive: true });
const written: string[] = [];
function write(name: string, content: string): void {
  writeFileSync(join(outputFolder, name), content);
  written.push(join(outputFolder, name));
}

const hasDot = spawnSync('dot', ['-V']).status === 0;
if (hasDot) {
  for (const [name, options] of [
    ['folders.svg', folderCollapse],
    ['modules.svg', []],
  ] as const) {
    const graph = depcruise(['-T', 'dot', ...options]);
    write(name, execFileSync('dot', ['-Tsvg'], { input: graph, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  }
} else {
  write('folders.md', `\`\`\`mermaid\n${depcruise(['-T', 'mermaid', ...folderCollapse])}\`\`\`\n`);
  write('modules.md', `\`\`\`mermaid\n${depcruise(['-T', 'mermaid'])}\`\`\`\n`);
  write('modules.html', depcruise(['-T', 'html']));
}
process.stdout.write(
  `deps graph${hasDot ? '' : " (no Graphviz 'dot': Mermaid and HTML instead of SVG)"}: ${written.join(', ')}\n`,
);
