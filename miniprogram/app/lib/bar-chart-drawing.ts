/**
 * Horizontal bar charts drawn on a canvas 2D context: one row per label, a bar scaled to the largest
 * value, the value in words at the right; an optional second value (e.g. p90 beside the median) drawn as
 * a lighter extension. Pure drawing with no imports, so the same code draws in the mini-program
 * (canvas type="2d") and in the headless-browser preview.
 */
export interface BarChartRow {
  label: string;
  value: number;
  /** A larger companion value shown as a lighter bar behind the main one. */
  extendedValue?: number;
  valueText: string;
}

export interface BarChartSpec {
  rows: BarChartRow[];
  color: string;
  extendedColor?: string;
  /** Legend entries shown under the bars, e.g. [中位数, 90% 在此之内]. */
  legend?: Array<{ color: string; text: string }>;
}

/** The part of CanvasRenderingContext2D the chart uses (WeChat's canvas 2D context has it too). */
export interface ChartContext {
  font: string;
  fillStyle: string | unknown;
  textBaseline: string;
  textAlign: string;
  clearRect(x: number, y: number, width: number, height: number): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
}

export const chartLayout = {
  rowHeight: 30,
  barHeight: 14,
  padding: 6,
  legendHeight: 24,
  font: '13px "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
  labelColor: '#333333',
  valueColor: '#666666',
};

/** CSS height in px that fits every row and the legend. */
export function chartHeight(spec: BarChartSpec): number {
  const legend = spec.legend?.length ? chartLayout.legendHeight : 0;
  return Math.max(1, spec.rows.length) * chartLayout.rowHeight + chartLayout.padding * 2 + legend;
}

/** Cuts text with an ellipsis so that it fits `maxWidth`. */
export function fitText(context: Pick<ChartContext, 'measureText'>, text: string, maxWidth: number): string {
  if (context.measureText(text).width <= maxWidth) return text;
  let kept = text;
  while (kept.length > 0 && context.measureText(`${kept}…`).width > maxWidth) kept = kept.slice(0, -1);
  return kept ? `${kept}…` : '';
}

/** Draws the chart into a context already scaled to CSS pixels (width × height). */
export function drawBarChart(context: ChartContext, width: number, height: number, spec: BarChartSpec): void {
  const { rowHeight, barHeight, padding, font, labelColor, valueColor, legendHeight } = chartLayout;
  context.clearRect(0, 0, width, height);
  context.font = font;
  context.textBaseline = 'middle';

  const labelWidth = Math.min(112, Math.round(width * 0.3));
  const valueWidth = Math.min(
    Math.round(width * 0.32),
    Math.max(48, ...spec.rows.map((row) => Math.ceil(context.measureText(row.valueText).width))),
  );
  const barLeft = labelWidth + 8;
  const barSpace = Math.max(10, width - barLeft - valueWidth - 12);
  const largest = Math.max(1, ...spec.rows.map((row) => Math.max(row.value, row.extendedValue ?? 0)));

  spec.rows.forEach((row, index) => {
    const middle = padding + index * rowHeight + rowHeight / 2;
    context.textAlign = 'left';
    context.fillStyle = labelColor;
    context.fillText(fitText(context, row.label, labelWidth), 0, middle);

    if (row.extendedValue !== undefined && row.extendedValue > row.value) {
      context.fillStyle = spec.extendedColor ?? spec.color;
      context.fillRect(barLeft, middle - barHeight / 2, (row.extendedValue / largest) * barSpace, barHeight);
    }
    const barWidth = row.value > 0 ? Math.max(2, (row.value / largest) * barSpace) : 0;
    context.fillStyle = spec.color;
    context.fillRect(barLeft, middle - barHeight / 2, barWidth, barHeight);

    context.textAlign = 'right';
    context.fillStyle = valueColor;
    context.fillText(fitText(context, row.valueText, valueWidth), width, middle);
  });

  if (spec.legend?.length) {
    let x = 0;
    const middle = padding * 2 + spec.rows.length * rowHeight + legendHeight / 2 - padding;
    context.textAlign = 'left';
    for (const entry of spec.legend) {
      context.fillStyle = entry.color;
      context.fillRect(x, middle - 5, 10, 10);
      context.fillStyle = valueColor;
      context.fillText(entry.text, x + 14, middle);
      x += 14 + context.measureText(entry.text).width + 16;
    }
  }
}
