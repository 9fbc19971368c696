/**
 * A horizontal bar chart on a canvas 2D node (drawn by lib/bar-chart-drawing.ts). The spec is also kept
 * as JSON in `data-chart`, which the headless preview uses to draw the same chart, and summarised in
 * `aria-label` for screen readers.
 */
import { chartHeight, drawBarChart } from '../../lib/bar-chart-drawing';
import type { BarChartSpec, ChartContext } from '../../lib/bar-chart-drawing';

Component({
  properties: {
    title: { type: String, value: '' },
    spec: { type: Object, value: { rows: [], color: '#1a5fb4' } },
    emptyText: { type: String, value: '暂无数据' },
  },
  data: { heightPx: 0, specJson: '', summary: '', empty: true },
  observers: {
    spec(spec: BarChartSpec) {
      const rows = spec?.rows ?? [];
      this.setData({
        empty: rows.length === 0,
        heightPx: chartHeight(spec),
        specJson: JSON.stringify(spec),
        summary: rows.map((row) => `${row.label} ${row.valueText}`).join('，'),
      });
      this.draw();
    },
  },
  lifetimes: {
    ready() {
      this.draw();
    },
  },
  methods: {
    draw() {
      const spec = this.data.spec as BarChartSpec;
      if (!spec?.rows?.length) return;
      this.createSelectorQuery()
        .select('#chart')
        .fields({ node: true, size: true }, () => undefined)
        .exec((results: Array<{ node?: WechatMiniprogram.Canvas; width: number; height: number } | null>) => {
          const target = results[0];
          // No canvas node outside WeChat (e.g. the jsdom tests); the preview draws from data-chart.
          if (!target?.node) return;
          const ratio = wx.getWindowInfo().pixelRatio;
          target.node.width = target.width * ratio;
          target.node.height = target.height * ratio;
          const context = target.node.getContext('2d') as ChartContext & { scale(x: number, y: number): void };
          context.scale(ratio, ratio);
          drawBarChart(context, target.width, target.height, spec);
        });
    },
  },
});
