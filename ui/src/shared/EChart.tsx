// The ECharts runtime (only the parts the app uses), loaded with the first chart shown: the
// sign-in and a technician's screens never pay for it.
import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { ChartOption } from "./Chart";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** The app's font (ECharts measures labels with it, so it must be a real family, not `inherit`). */
const FONT = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

/** The app's colours for the series of a chart, in order. */
const SERIES_COLOURS = ["#1f6feb", "#067647", "#b54708", "#9e77ed", "#c9d4e0"];

/** The chart itself, drawn as SVG into a box that follows its container's width. */
export default function EChart({ option, height, onPick }: { option: ChartOption; height: number; onPick?: (series: number, index: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: "svg" });
    chart.current = c;
    c.on("click", (p) => pick.current?.(p.seriesIndex ?? 0, p.dataIndex));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ color: SERIES_COLOURS, textStyle: { fontFamily: FONT }, ...option }, true);
  }, [option]);
  return <div ref={box} style={{ height }} />;
}
