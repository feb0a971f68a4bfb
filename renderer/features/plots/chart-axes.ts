import type uPlot from 'uplot';
import { formatClock } from '../../ui/clock';
import type { PlotAxes, PlotSeries } from '../../stores/plots-store';

export interface AxisColours {
  /** Labels of the x axis and of a shared y axis. */
  text: string;
  grid: string;
  font: string;
}

export interface YAxes {
  scales: Record<string, uPlot.Scale>;
  axes: uPlot.Axis[];
  /** The scale key of each series, in order. */
  scaleOf: string[];
}

const TICK = 4;
const GAP = 3;
/** Room beyond an axis' labels, so the next axis out does not read as part of its numbers. */
const SEPARATION = 10;

/**
 * Clock times on one line (uPlot's default adds a date line the short chart cannot fit), with the
 * fraction of a second the ticks need when they are closer than a second: messages published in
 * a burst are milliseconds apart, and eight labels all reading 08:42:30 say nothing.
 */
function clockLabels(_plot: uPlot, splits: number[], _axisIdx: number, _space: number, increment: number): string[] {
  const digits = increment >= 1 ? 0 : increment >= 0.1 ? 1 : increment >= 0.01 ? 2 : 3;
  return splits.map((seconds) => formatClock(Math.round(seconds * 1000), digits));
}

/** The time axis: muted labels and the grid's vertical lines. */
export function xAxis(colours: AxisColours): uPlot.Axis {
  const grid = { stroke: colours.grid, width: 1 };
  return { font: colours.font, stroke: colours.text, grid, ticks: grid, values: clockLabels, space: 90, size: 28 };
}

/**
 * A y axis as wide as its longest label: 101,325 is never cut and 0.5 takes little room, which
 * matters with eight axes beside one chart. uPlot asks again until the sizes settle.
 */
function fitWidth(font: string): uPlot.Axis.Size {
  return (self, values, axisIdx, cycleNum) => {
    const axis = self.axes[axisIdx] as uPlot.Axis & { _size?: number };
    // Labels can flip between two widths as the size changes the ticks: keep the second answer.
    if (cycleNum > 1 && axis._size !== undefined) return axis._size;
    const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
    self.ctx.font = font;
    return Math.ceil(TICK + GAP + (longest === '' ? 0 : self.ctx.measureText(longest).width) + SEPARATION);
  };
}

/**
 * The y scales and axes. Per series: a scale and an axis each, alternating left and right and
 * coloured like their line, so a temperature and a pressure in pascals are both readable; only the
 * first draws a grid (eight grids are noise). Shared: one scale and one axis for all.
 */
export function yAxes(series: readonly PlotSeries[], mode: PlotAxes, colours: AxisColours): YAxes {
  const base = { font: colours.font, gap: GAP, size: fitWidth(colours.font) };
  const grid = { stroke: colours.grid, width: 1 };
  if (mode === 'shared' || series.length === 0) {
    return {
      scales: { y: {} },
      axes: [{ ...base, scale: 'y', stroke: colours.text, grid, ticks: { ...grid, size: TICK } }],
      scaleOf: series.map(() => 'y'),
    };
  }
  return {
    scales: Object.fromEntries(series.map((s) => [s.id, {}])),
    axes: series.map((s, i) => ({
      ...base,
      scale: s.id,
      side: i % 2 === 0 ? 3 : 1,
      stroke: s.color,
      grid: { ...grid, show: i === 0 },
      ticks: { stroke: s.color, width: 1, size: TICK },
    })),
    scaleOf: series.map((s) => s.id),
  };
}
