/**
 * Loads a page or component of the mini-program with miniprogram-simulate (the official WXML compiler,
 * WXSS inserted into jsdom) and drives it the way WeChat would: onLoad with the page's query, taps,
 * pull-down refresh and reaching the bottom.
 */
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { RootComponent } from 'miniprogram-simulate';

export const appRoot = path.resolve(__dirname, '../../../miniprogram/app');

// simulate runs each page's and component's script with require() and then drops it from require.cache,
// which jest's module registry ignores: a second load would find the module cached and never call
// Component(). Running each script in its own registry makes every load register afresh.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- simulate's internal module, patched
const simulateUtilities = require('miniprogram-simulate/src/utils') as { runJs: (filePath: string) => void };
simulateUtilities.runJs = (filePath: string) => {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(filePath);
  });
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pages' data and methods are checked by their own file
export type Rendered = RootComponent<any, any, any>;

/** Lets pending fake requests and their promise chains finish. */
export async function settle(rounds = 6): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await simulate.sleep(0);
}

/** Renders `pages/x/x` or `components/x/x`; pages get onLoad(query) as WeChat calls it. */
export async function render(
  modulePath: string,
  options: { query?: Record<string, string>; properties?: Record<string, unknown> } = {},
): Promise<Rendered> {
  const id = simulate.load(path.join(appRoot, modulePath), { rootPath: appRoot });
  const rendered = simulate.render(id, options.properties) as Rendered;
  const parent = document.createElement('div');
  document.body.appendChild(parent);
  rendered.attach(parent);
  if (modulePath.startsWith('pages/')) rendered.instance.onLoad?.(options.query ?? {});
  await settle();
  return rendered;
}

/** The text a person sees, with runs of whitespace collapsed. */
export function textOf(rendered: { dom?: Element | null }): string {
  return (rendered.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Taps the first element matching `selector` (by the template's class names) and waits. */
export async function tap(rendered: Rendered, selector: string, index = 0): Promise<void> {
  const target = rendered.querySelectorAll(selector)[index];
  if (!target) throw new Error(`nothing matches ${selector} (#${index})`);
  target.dispatchEvent('tap');
  await settle();
}

/** Types into an input the way WeChat reports it (an input event with detail.value). */
export async function typeInto(rendered: Rendered, selector: string, value: string): Promise<void> {
  const target = rendered.querySelector(selector);
  if (!target) throw new Error(`nothing matches ${selector}`);
  target.dispatchEvent('input', { detail: { value } });
  await settle();
}
