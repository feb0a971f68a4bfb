import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Panel } from '../../ui/panel';
import { displayPath } from '../../payload/json-paths';
import { PLOT_WINDOWS, type PlotAxes, type PlotSeries, type PlotWindow, seriesBuffer, seriesUnit, usePlotsStore } from '../../stores/plots-store';
import { useDarkMode } from '../../ui/theme';
import { useTimeFormat, useUiStore } from '../../stores/ui-store';
import { type AlignedData, SeriesBuffer, alignSeries } from '../../model/series-buffer';
import { xAxis, yAxes } from './chart-axes';
import { hoverReadout } from './hover-readout';
import { formatReading } from '../../ui/numbers';
import { useConnectionsStore } from '../../stores/connections-store';
import { seriesOwners } from './series-owner';
import { withUnit } from '../../payload/units';
import { MiddleCut } from '../../ui/middle-cut';
import { useTranslation } from '../../ui/i18n';
import './plots.css';

const WINDOWS = Object.keys(PLOT_WINDOWS) as PlotWindow[];
const AXES: readonly PlotAxes[] = ['per-series', 'shared'];
const EMPTY = new SeriesBuffer(1);
/** Shown for a series with no value yet. */
const NO_VALUE = '–';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The chart's data for the window, and how many points it draws per series. */
function chartData(series: readonly PlotSeries[], window: PlotWindow): { data: AlignedData; counts: number[] } {
  const from = window === 'all' ? Number.NEGATIVE_INFINITY : Date.now() / 1000 - PLOT_WINDOWS[window];
  const data = alignSeries(
    series.map((s) => seriesBuffer(s.id) ?? EMPTY),
    from,
  );
  const counts = data.slice(1).map((ys) => (ys as (number | null)[]).reduce<number>((n, y) => (y === null ? n : n + 1), 0));
  return { data, counts };
}

function PlotsToolbar() {
  const { t } = useTranslation('plots');
  const window = usePlotsStore((s) => s.window);
  const setWindow = usePlotsStore((s) => s.setWindow);
  const axes = usePlotsStore((s) => s.axes);
  const setAxes = usePlotsStore((s) => s.setAxes);
  const clear = usePlotsStore((s) => s.clear);
  return (
    <div className="toolbar">
      <div className="segmented" role="group" aria-label={t('yAxes')}>
        {AXES.map((a) => (
          <button key={a} type="button" aria-pressed={axes === a} data-testid={`plot-axes-${a}`} title={t(`axes.${a}Title`)} onClick={() => setAxes(a)}>
            {t(`axes.${a}`)}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label={t('timeWindow')}>
        {WINDOWS.map((w) => (
          <button key={w} type="button" aria-pressed={window === w} data-testid={`plot-window-${w}`} onClick={() => setWindow(w)}>
            {t(`window.${w}`)}
          </button>
        ))}
      </div>
      <button type="button" data-testid="plots-clear" onClick={clear}>
        {t('clear')}
      </button>
      <PlotsToggle />
    </div>
  );
}

/** Folds the Plots panel to its header (the series keep being fed) or shows the chart again. */
function PlotsToggle() {
  const { t } = useTranslation('plots');
  const open = useUiStore((s) => s.plotsOpen);
  const setOpen = useUiStore((s) => s.setPlotsOpen);
  return (
    <button type="button" className="small" data-testid="plots-toggle" aria-expanded={open} title={open ? t('fold') : t('showChart')} onClick={() => setOpen(!open)}>
      {open ? t('hide') : t('show')}
    </button>
  );
}

/**
 * uPlot on a canvas: created once per set of series (theme and y axes), then fed with setData as the store
 * changes, which the event feed does at most once per frame. Each series keeps at most
 * MAX_POINTS_PER_SERIES points, so a redraw is bounded whatever the message rate.
 */
function PlotChart() {
  const { t } = useTranslation('plots');
  const series = usePlotsStore((s) => s.series);
  const summaries = useConnectionsStore((s) => s.summaries);
  const version = usePlotsStore((s) => s.version);
  const window = usePlotsStore((s) => s.window);
  const axes = usePlotsStore((s) => s.axes);
  const removeSeries = usePlotsStore((s) => s.removeSeries);
  const dark = useDarkMode();
  // The x axis' labels are times: a new format draws the chart again.
  const timeFormat = useTimeFormat();
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [counts, setCounts] = useState<number[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const element = host.current!;
    const colours = { text: cssVar('--muted'), grid: cssVar('--border'), font: `11px ${cssVar('--sans')}` };
    const y = yAxes(series, axes, colours);
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 100),
      height: Math.max(element.clientHeight, 80),
      scales: { x: { time: true }, ...y.scales },
      legend: { show: false },
      // No horizontal crosshair: with a scale per series its height reads as no one value.
      cursor: { drag: { x: true, y: false }, y: false },
      series: [{}, ...series.map((s, i) => ({ label: s.label, scale: y.scaleOf[i]!, stroke: s.color, width: 1.5, spanGaps: true, points: { size: 4 } }))],
      axes: [xAxis(colours), ...y.axes],
      plugins: [hoverReadout(series)],
    };
    const created = new uPlot(options, [[], ...series.map(() => [])] as AlignedData, element);
    plot.current = created;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0 && element.clientHeight > 0) created.setSize({ width: element.clientWidth, height: element.clientHeight });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [series, dark, axes, timeFormat]);

  useEffect(() => {
    const created = plot.current;
    if (!created) return;
    const next = chartData(series, window);
    if (window === 'all') {
      created.setData(next.data);
    } else {
      created.setData(next.data, false);
      const now = Date.now() / 1000;
      // The window starts at the data (with a little room before it): series plotted a moment
      // ago fill the chart instead of its right fifth, and slide left as the window fills.
      const first = (next.data[0] as readonly number[])[0];
      const windowStart = now - PLOT_WINDOWS[window];
      const min = first === undefined ? windowStart : Math.max(windowStart, first - Math.max(0.2, (now - first) * 0.05));
      created.setScale('x', { min, max: now });
    }
    setCounts(next.counts);
  }, [series, version, window, dark, axes, tick]);

  // A time window slides even when no message comes.
  useEffect(() => {
    if (window === 'all') return;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [window]);

  const total = counts.reduce((a, b) => a + b, 0);
  const owners = seriesOwners(series, summaries);
  return (
    <div className="plots">
      <ul className="plot-legend" data-testid="plot-legend">
        {series.map((s, i) => {
          const buffer = seriesBuffer(s.id);
          const last = buffer && buffer.size > 0 ? buffer.y(buffer.size - 1) : undefined;
          const unit = seriesUnit(s.id);
          return (
            <li key={s.id} data-testid="plot-series" data-label={s.label} data-points={counts[i] ?? 0}>
              <span className="plot-swatch" style={{ background: s.color }} />
              <span className="plot-label" title={s.label}>
                {s.path.length === 0 ? t('value') : displayPath(s.path)}
              </span>
              <span className="plot-last" data-testid="plot-last" data-unit={unit} title={last === undefined ? t('noValue') : t('latest', { value: withUnit(String(last), unit) })}>
                {last === undefined ? NO_VALUE : withUnit(formatReading(last), unit)}
              </span>
              <button type="button" className="icon-button" data-testid="plot-series-remove" title={t('remove', { label: s.label })} aria-label={t('remove', { label: s.label })} onClick={() => removeSeries(s.id)}>
                ×
              </button>
              <span className="plot-topic" data-testid="plot-topic" title={owners[i] ? `${owners[i]} · ${s.topic}` : s.topic}>
                {owners[i] && <span className="plot-owner">{owners[i]} · </span>}
                <MiddleCut text={s.topic} />
              </span>
            </li>
          );
        })}
      </ul>
      <div className="plot-area">
        <div className="plot-chart" ref={host} data-testid="plot-chart" data-points={total} data-y-axes={axes === 'shared' ? 1 : series.length} />
        {total === 0 && (
          <p className="plot-empty" data-testid="plot-empty">
            {window === 'all' ? t('emptyAll') : t('emptyWindow', { window: t(`window.${window}`) })}
          </p>
        )}
      </div>
    </div>
  );
}

/** The Plots panel, shown once a series is plotted (from the message detail's "Plot" buttons). */
export function PlotsDock() {
  const { t } = useTranslation('plots');
  const count = usePlotsStore((s) => s.series.length);
  const notice = usePlotsStore((s) => s.notice);
  const dismissNotice = usePlotsStore((s) => s.dismissNotice);
  const plotsOpen = useUiStore((s) => s.plotsOpen);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismissNotice, 5000);
    return () => clearTimeout(timer);
  }, [notice, dismissNotice]);
  if (count === 0) return null;
  return (
    <Panel name="plots" title={t('title')} className="plots-panel" collapsed={!plotsOpen} actions={<PlotsToolbar />}>
      {notice && (
        <p className="field-problem plot-notice" data-testid="plot-notice" role="status">
          {notice}
        </p>
      )}
      <PlotChart />
    </Panel>
  );
}
