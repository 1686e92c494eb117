/**
 * A bar chart drawn on the server as SVG geometry (the template writes the elements): no script, the same on
 * every browser, and printable. Heights are exact proportions of a round maximum, so a test can read them back.
 */
export interface ChartBar {
  label: string;
  /** The period it stands for (`2025-03`, `2025-Q2`). */
  key: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
  labelX: number;
}

export interface BarChart {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number; bottom: number };
  max: number;
  ticks: Array<{ value: number; y: number }>;
  bars: ChartBar[];
}

export const CHART = { width: 400, height: 224, left: 34, right: 4, top: 20, plotHeight: 170 } as const;

/** The smallest of 1, 2 or 5 times a power of ten that is at least `value` (1 for nothing). */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Bars for a series of labelled values, in order, scaled to the chart's round maximum. */
export function barChart(series: ReadonlyArray<{ key: string; label: string; value: number }>): BarChart {
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const max = niceMax(Math.max(0, ...series.map((point) => point.value)));
  const slot = plotWidth / Math.max(1, series.length);
  const bottom = CHART.top + CHART.plotHeight;
  const bars = series.map((point, index): ChartBar => {
    const height = round((point.value / max) * CHART.plotHeight);
    return {
      ...point,
      x: round(CHART.left + index * slot + slot * 0.15),
      width: round(slot * 0.7),
      height,
      y: round(bottom - height),
      labelX: round(CHART.left + index * slot + slot / 2),
    };
  });
  const ticks = [0, max / 2, max].filter((value) => Number.isInteger(value)).map((value) => ({ value, y: round(bottom - (value / max) * CHART.plotHeight) }));
  return { width: CHART.width, height: CHART.height, plot: { left: CHART.left, top: CHART.top, width: plotWidth, height: CHART.plotHeight, bottom }, max, ticks, bars };
}
