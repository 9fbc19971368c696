/**
 * First half of `npm run mp:preview`: renders each scenario's page under miniprogram-simulate (jsdom),
 * with rpx converted for a 375 px wide phone (750 rpx = 375 px), and writes it as a standalone HTML
 * file that scripts/mp-preview.ts photographs in headless Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { installFakeWx } from '../support/fake-wx';
import { appRoot, render, textOf } from '../support/render';
import { arrangeScenario, scenarios } from './scenarios';

const outputDir = process.env.MP_PREVIEW_DIR ?? path.resolve(__dirname, '../../../.mp-preview');
const screenWidth = 375;

// 750 rpx is the screen's width; simulate would map 1 rpx to 1 px.
const toPx = (css: string): string =>
  css.replace(/(-?\d*\.?\d+)rpx/g, (_all, value: string) => `${+((Number(value) * screenWidth) / 750).toFixed(2)}px`);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- simulate's internal module, patched
const simulateUtilities = require('miniprogram-simulate/src/utils') as { transformRpx: (css: string) => string };
simulateUtilities.transformRpx = toPx;

// simulate's built-in <input> and <textarea> keep no attributes; in the picture an empty field should
// show its placeholder as WeChat does, so the preview registers fields that render it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- simulate's own component registry
const jComponent = require('j-component') as { register: (definition: object) => void };
for (const field of ['input', 'textarea']) {
  jComponent.register({
    id: field,
    tagName: `wx-${field}`,
    template: '<text>{{value || placeholder}}</text>',
    properties: { placeholder: { type: String, value: '' }, value: { type: String, value: '' } },
  });
}

const componentTags = fs.readdirSync(path.join(appRoot, 'components'));

/** How WeChat lays out its built-in elements, and the page background from app.wxss. */
function baseStyles(): string {
  const appWxss = toPx(fs.readFileSync(path.join(appRoot, 'app.wxss'), 'utf8')).replace(/^page\s*\{/m, 'body {');
  return `
    * { box-sizing: border-box; }
    html, body { margin: 0; width: ${screenWidth}px; }
    main, ${componentTags.join(', ')}, wx-view, wx-scroll-view, wx-picker, wx-canvas, wx-input, wx-textarea { display: block; }
    wx-text { display: inline; white-space: pre-wrap; }
    wx-scroll-view { overflow-x: auto; }
    wx-input { min-height: 1.4em; display: flex; align-items: center; color: #9a9a9a; }
    wx-textarea { color: #9a9a9a; }
    ${appWxss}`;
}

/** The page as a standalone document; canvases keep their chart spec for the browser to draw. */
function snapshotDocument(title: string): string {
  const styles = Array.from(document.querySelectorAll('style'))
    .map((style) => style.innerHTML)
    .join('\n');
  const body = document.body.innerHTML.replace(/<wx-canvas([^>]*)><\/wx-canvas>/g, '<canvas$1></canvas>');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<style>${baseStyles()}</style><style>${styles}</style></head><body>${body}</body></html>`;
}

describe('mini-program preview', () => {
  beforeAll(() => {
    fs.mkdirSync(path.join(outputDir, 'html'), { recursive: true });
  });

  test.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s renders', async (_name, scenario) => {
    document.head.innerHTML = '';
    document.body.innerHTML = '';
    const fake = installFakeWx();
    arrangeScenario(fake, scenario);
    const page = await render(scenario.page, { query: scenario.query });
    await scenario.act?.(page);

    expect(textOf(page)).toContain(scenario.expectText);
    fs.writeFileSync(path.join(outputDir, 'html', `${scenario.name}.html`), snapshotDocument(scenario.name));
  });
});
