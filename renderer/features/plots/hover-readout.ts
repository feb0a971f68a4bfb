import type uPlot from 'uplot';
import { type PlotSeries, seriesUnit } from '../../stores/plots-store';
import { formatTime } from '../../payload/format';
import { displayPath } from '../../payload/json-paths';
import { formatReading } from '../../ui/numbers';

/** Distance from the pointer to the readout, in CSS pixels. */
const OFFSET = 14;

function element(tag: string, className: string, testid?: string): HTMLElement {
  const made = document.createElement(tag);
  made.className = className;
  if (testid) made.dataset.testid = testid;
  return made;
}

/**
 * A uPlot plugin: the time under the pointer and each series' value then, in a box beside the
 * pointer. A series with no point at that time shows the last value it had before it (what its
 * topic held then, as MQTT's last value means), and '–' before its first point. The box lives in
 * <body>, fixed: the chart is short and eight rows must not be clipped by its panel. Built with
 * textContent only: labels are topic names and JSON keys, which are not HTML.
 */
export function hoverReadout(series: readonly PlotSeries[]): uPlot.Plugin {
  const box = element('div', 'plot-hover', 'plot-hover');
  box.hidden = true;
  box.setAttribute('role', 'status');
  const time = element('div', 'plot-hover-time', 'plot-hover-time');
  box.append(time);
  const values = series.map((s) => {
    const row = element('div', 'plot-hover-row', 'plot-hover-row');
    row.dataset.label = s.label;
    const swatch = element('span', 'plot-swatch');
    swatch.style.background = s.color;
    const label = element('span', 'plot-hover-label');
    label.textContent = s.path.length === 0 ? s.topic : displayPath(s.path);
    label.title = s.label;
    const value = element('span', 'plot-hover-value', 'plot-hover-value');
    // The unit apart from the number, so the number reads (and copies) alone.
    const unit = element('span', 'plot-hover-unit', 'plot-hover-unit');
    row.append(swatch, label, value, unit);
    box.append(row);
    return { value, unit, id: s.id };
  });

  const place = (u: uPlot, left: number, top: number) => {
    const area = u.over.getBoundingClientRect();
    const x = area.left + left;
    const y = area.top + top;
    const { offsetWidth: width, offsetHeight: height } = box;
    // Right of the pointer unless that leaves the window, then left of it; kept inside vertically.
    const boxLeft = x + OFFSET + width <= window.innerWidth ? x + OFFSET : x - OFFSET - width;
    const boxTop = Math.max(4, Math.min(y + OFFSET, window.innerHeight - height - 4));
    box.style.transform = `translate(${Math.round(boxLeft)}px, ${Math.round(boxTop)}px)`;
  };

  const update = (u: uPlot) => {
    const { idx, idxs, left = -1, top = -1 } = u.cursor;
    if (idx == null || left < 0) {
      box.hidden = true;
      return;
    }
    time.textContent = formatTime(Math.round(u.data[0][idx]! * 1000));
    values.forEach(({ value, unit, id }, i) => {
      const at = idxs?.[i + 1];
      const y = at == null ? null : u.data[i + 1]![at];
      value.textContent = y == null ? '–' : formatReading(y);
      unit.textContent = y == null ? '' : (seriesUnit(id) ?? '');
    });
    box.hidden = false;
    place(u, left, top);
  };

  return {
    // Each series' point at the time nearest the pointer; where it has none (aligning several
    // series on one time axis leaves nulls), its last point before that: the held value.
    opts: (_self, opts) => ({ ...opts, cursor: { ...opts.cursor, hover: { skip: [null, undefined], bias: -1 } } }),
    hooks: {
      init: () => document.body.append(box),
      setCursor: update,
      destroy: () => box.remove(),
    },
  };
}
