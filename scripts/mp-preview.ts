/**
 * npm run mp:preview — renders every mini-program page with fixture data and photographs it in headless
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser download), 375 px wide,
 * into .mp-preview/*.png. Fails when a page does not render, lacks its expected text, or has content
 * wider than the screen.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { chromium } from 'playwright-core';

const root = path.resolve(__dirname, '..');
const outputDir = path.join(root, '.mp-preview');
const htmlDir = path.join(outputDir, 'html');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface PageCheck {
  text: string;
  overflowing: string[];
}

/** A TypeScript module without imports as a browser script that sets `window[globalName]` to its exports. */
function browserScript(file: string, globalName: string): string {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  });
  return `window.${globalName} = {}; (function (exports) { ${outputText} })(window.${globalName});`;
}

function renderHtml(): void {
  fs.rmSync(outputDir, { recursive: true, force: true });
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--config', 'test/miniprogram/preview/jest.config.js', '--silent'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, MP_PREVIEW_DIR: outputDir } },
  );
  if (jest.status !== 0) throw new Error('rendering the pages under miniprogram-simulate failed (see above)');
}

async function photograph(): Promise<string[]> {
  // playwright starts Chromium with a new empty profile of its own (its --user-data-dir).
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const problems: string[] = [];
  const written: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2 });
    // Nothing but the local file is loaded: the pages must not reach out.
    await context.route(/^(?!file:)/, (route) => route.abort());
    // The chart is drawn by the mini-program's own drawing code; the checks live beside the scenarios.
    const scripts = [
      browserScript('miniprogram/app/lib/bar-chart-drawing.ts', 'shenfaCharts'),
      browserScript('test/miniprogram/preview/in-page-checks.ts', 'shenfaPreview'),
    ];
    for (const file of fs
      .readdirSync(htmlDir)
      .filter((name) => name.endsWith('.html'))
      .sort()) {
      const name = path.basename(file, '.html');
      const page = await context.newPage();
      await page.goto(`file://${path.join(htmlDir, file)}`);
      for (const content of scripts) await page.addScriptTag({ content });
      const check = (await page.evaluate('window.shenfaPreview.drawChartsAndCheck()')) as PageCheck;
      if (check.text.trim() === '') problems.push(`${name}: the page is blank`);
      for (const element of check.overflowing) problems.push(`${name}: wider than the screen: ${element}`);
      const png = path.join(outputDir, `${name}.png`);
      await page.screenshot({ path: png, fullPage: true });
      written.push(png);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  if (problems.length) throw new Error(`pages did not render cleanly:\n  ${problems.join('\n  ')}`);
  return written;
}

async function main(): Promise<void> {
  renderHtml();
  const written = await photograph();
  for (const png of written) process.stdout.write(`${path.relative(root, png)}\n`);
  process.stdout.write(`${written.length} pages rendered to ${path.relative(root, outputDir)}/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`mp:preview failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
