// A time-series chart (uPlot) that follows its container's width and redraws as samples arrive.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * @param samples objects with `t` (epoch ms) and the fields named by `series`
 * @param series [{ field, label, color, fill }]
 */
export function TimeChart({ samples, series, height = 220, format = (v) => v, axisWidth = 52, testId }) {
  const box = useRef(null);
  const plot = useRef(null);

  useEffect(() => {
    const el = box.current;
    const opts = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [12, 12, 0, 0],
      cursor: { points: { size: 7 }, drag: { x: false, y: false } },
      legend: { show: true, live: false },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [
        {
          stroke: "#94a3b8",
          grid: { show: false },
          ticks: { stroke: "#e2e8f0" },
          font: "11px 'Inter Variable', system-ui, sans-serif",
          values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString("en-GB", { hour12: false })),
        },
        {
          stroke: "#94a3b8",
          grid: { stroke: "#eef1f6", width: 1 },
          ticks: { show: false },
          font: "11px 'Inter Variable', system-ui, sans-serif",
          size: axisWidth,
          values: (u, ticks) => ticks.map((v) => format(v)),
        },
      ],
      series: [
        { value: (u, v) => (v == null ? "–" : new Date(v * 1000).toLocaleTimeString("en-GB", { hour12: false })) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.fill,
          points: { show: false },
          value: (u, v) => (v == null ? "–" : format(v)),
        })),
      ],
    };
    plot.current = new uPlot(opts, toData(samples, series), el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [height, axisWidth, series.map((s) => s.field).join()]);

  useEffect(() => {
    plot.current?.setData(toData(samples, series));
  }, [samples]);

  return <div class="chart" ref={box} data-testid={testId} />;
}

function toData(samples, series) {
  return [samples.map((s) => s.t / 1000), ...series.map((ser) => samples.map((s) => s[ser.field] ?? null))];
}
