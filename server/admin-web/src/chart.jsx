// A time-series chart (uPlot) that follows its container's width and redraws as samples arrive.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * @param samples objects with `t` (epoch ms) and the fields named by `series`
 * @param series [{ field, label, color, fill }]
 */
/** Y steps for counts and rates: whole numbers only, so a small scale reads 0 2 4 6, not 0 2.5 5. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 2.5e4, 5e4, 1e5,
  2e5, 2.5e5, 5e5, 1e6, 2e6, 2.5e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9];

export function TimeChart({ samples, series, height = 220, format = (v) => v, axisWidth = 52, counts = true, testId }) {
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
          space: 80, // px between time labels: "20:42:36" needs ~55
          font: "11px 'Inter Variable', system-ui, sans-serif",
          values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString("en-GB", { hour12: false })),
        },
        {
          stroke: "#94a3b8",
          grid: { stroke: "#eef1f6", width: 1 },
          ticks: { show: false },
          font: "11px 'Inter Variable', system-ui, sans-serif",
          size: axisWidth,
          ...(counts ? { incrs: COUNT_STEPS } : {}),
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
