// Charts drawn by Apache ECharts as SVG: sharp at any zoom, and each bar is an element a click
// or a test can reach. The runtime is its own chunk (EChart.tsx), loaded with the first chart.
import { lazy, Suspense } from "react";
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from "echarts/components";

const EChart = lazy(() => import("./EChart"));

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/**
 * One chart. `onPick(series, index)` is called when a bar or point is clicked; the caller
 * shows what stands behind it. The chart follows its box's width (a tablet turned, a pane
 * resized).
 */
export function Chart({ option, label, height, onPick, testId, caption = true }: { option: ChartOption; label: string; height: number; onPick?: (series: number, index: number) => void; testId?: string; caption?: boolean }) {
  return (
    <figure className="chart" aria-label={label} data-testid={testId}>
      {caption && <figcaption>{label}</figcaption>}
      <Suspense fallback={<div style={{ height }} />}>
        <EChart option={option} height={height} onPick={onPick} />
      </Suspense>
    </figure>
  );
}

/** Horizontal bars of named values in their order, top down (the first `limit` rows; a click's index is the row's). */
export function barsOption(rows: { label: string; value: number }[], format: (v: number) => string, { limit = 10, clickable = false } = {}): ChartOption {
  const shown = rows.slice(0, limit);
  return {
    grid: { left: 8, right: 96, top: 4, bottom: 4, containLabel: true },
    tooltip: { trigger: "item", valueFormatter: (v) => format(Number(v)) },
    xAxis: { type: "value", show: false },
    yAxis: { type: "category", inverse: true, data: shown.map((r) => r.label), axisTick: { show: false }, axisLabel: { width: 200, overflow: "truncate" } },
    series: [{ type: "bar", data: shown.map((r) => r.value), barMaxWidth: 18, label: { show: true, position: "right", formatter: (p) => format(Number(p.value)) }, cursor: clickable ? "pointer" : "default" }],
  };
}

/** Height for `n` horizontal bars. */
export const barsHeight = (n: number, limit = 10) => Math.max(60, Math.min(n, limit) * 26 + 12);
