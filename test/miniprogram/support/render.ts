/**
 * Loads a page or component of the mini-program with miniprogram-simulate (the official WXML compiler,
 * WXSS inserted into jsdom) and drives it the way WeChat would: onLoad with the page's query, taps,
 * pull-down refresh and reaching the bottom.
 */
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import type { Component, RootComponent } from 'miniprogram-simulate';

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
/** An element or component inside a rendered page. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export type RenderedElement = Component<any, any, any>;

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

/** The text a person sees: each text run trimmed, runs joined by one space. */
export function textOf(rendered: { dom?: Element | null } | undefined): string {
  const root = rendered?.dom;
  if (!root) return '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const runs: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const run = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (run) runs.push(run);
  }
  return runs.join(' ');
}

interface ExparserNode {
  childNodes?: ExparserNode[];
  shadowRoot?: ExparserNode;
}
// j-component exports only its root wrapper; the wrapper of inner nodes is the class it extends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RootWrapper = require('j-component/src/render/component') as object;
const ComponentWrapper = Object.getPrototypeOf(RootWrapper) as new (node: ExparserNode) => RenderedElement;

/**
 * Every element matching `selector` (by the template's class names) in the page and inside the custom
 * components it uses: j-component's querySelectorAll stops at each component's shadow tree.
 */
export function queryAll(rendered: RenderedElement, selector: string): RenderedElement[] {
  const found = [...rendered.querySelectorAll(selector)];
  const visit = (node: ExparserNode | undefined): void => {
    for (const child of node?.childNodes ?? []) {
      if (child.shadowRoot) found.push(...queryAll(new ComponentWrapper(child), selector));
      visit(child);
    }
  };
  visit((rendered as unknown as { _exparserNode: ExparserNode })._exparserNode.shadowRoot);
  return found;
}

/** The text of every element matching `selector`, inside components too. */
export function textsOf(rendered: RenderedElement, selector: string): string[] {
  return queryAll(rendered, selector).map((element) => textOf(element));
}

/** Taps the first element matching `selector` (by the template's class names) and waits. */
export async function tap(rendered: RenderedElement, selector: string, index = 0): Promise<void> {
  const target = queryAll(rendered, selector)[index];
  if (!target) throw new Error(`nothing matches ${selector} (#${index})`);
  target.dispatchEvent('tap');
  await settle();
}

/** Fires a WeChat event (input, confirm, change…) with its detail on the first match, and waits. */
export async function fire(
  rendered: RenderedElement,
  selector: string,
  eventName: string,
  detail: object,
): Promise<void> {
  const target = queryAll(rendered, selector)[0];
  if (!target) throw new Error(`nothing matches ${selector}`);
  target.dispatchEvent(eventName, { detail });
  await settle();
}

/** Types into an input the way WeChat reports it (an input event with detail.value). */
export function typeInto(rendered: RenderedElement, selector: string, value: string): Promise<void> {
  return fire(rendered, selector, 'input', { value });
}
