/**
 * Runs inside the preview's Chromium page (scripts/mp-preview.ts loads it as a script): draws each chart
 * from its data-chart spec with the mini-program's own drawing code, then lists what a reviewer must not
 * see: an empty page, or content wider than the 375 px screen.
 */
import type { drawBarChart } from '../../../miniprogram/app/lib/bar-chart-drawing';

export interface PageCheck {
  text: string;
  overflowing: string[];
}

declare global {
  interface Window {
    shenfaCharts: { drawBarChart: typeof drawBarChart };
  }
}

export function drawChartsAndCheck(): PageCheck {
  for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]'))) {
    const { width, height } = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const context = canvas.getContext('2d');
    if (!context) continue;
    context.scale(ratio, ratio);
    window.shenfaCharts.drawBarChart(context, width, height, JSON.parse(canvas.dataset.chart ?? '{}'));
  }
  const screen = document.documentElement.clientWidth;
  // Content of a horizontally scrolling row (scroll-view scroll-x) may lie past the edge by design.
  const scrolls = (element: HTMLElement | null): boolean =>
    element !== null && (getComputedStyle(element).overflowX !== 'visible' || scrolls(element.parentElement));
  const overflowing = Array.from(document.body.querySelectorAll<HTMLElement>('*'))
    .filter((element) => {
      const box = element.getBoundingClientRect();
      const pastEdge = box.right > screen + 0.5 || element.scrollWidth > element.clientWidth + 1;
      return (
        box.width > 0 &&
        pastEdge &&
        !scrolls(element.parentElement) &&
        getComputedStyle(element).overflowX === 'visible'
      );
    })
    .map(
      (element) =>
        `<${element.tagName.toLowerCase()} class="${element.className}">${(element.textContent ?? '').slice(0, 30)}`,
    );
  return { text: document.body.innerText, overflowing };
}
