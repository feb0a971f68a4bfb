/** English strings of the 'plots' namespace: the Plots panel and its store's notices. */
export default {
  title: 'Plots',
  window: {
    '1m': '1 min',
    '5m': '5 min',
    '15m': '15 min',
    all: 'All',
  },
  axes: {
    'per-series': 'Axis per series',
    'per-seriesTitle': 'A y axis for each series, coloured like it: each readable whatever its magnitude',
    shared: 'Shared axis',
    sharedTitle: 'One y axis for every series: compare values of the same unit',
  },
  yAxes: 'Y axes',
  timeWindow: 'Time window',
  clear: 'Clear',
  fold: 'Fold the Plots panel to its header',
  showChart: 'Show the chart',
  hide: 'Hide',
  show: 'Show',
  value: 'value',
  noValue: 'No value yet',
  latest: 'Latest value: {{value}}',
  remove: 'Remove {{label}}',
  emptyAll: 'No numeric values yet: new messages on these topics will draw here.',
  emptyWindow: 'No values in the last {{window}}.',
  owner: {
    closed: 'closed connection',
    disconnected: '{{name}} (disconnected)',
  },
  notice: {
    alreadyPlotted: '{{label}} is already plotted',
    tooMany: 'A chart holds at most {{max}} series: remove one first',
    previews: '{{topic}}: payloads over 4 KB reach the live view as previews and cannot be plotted; smaller ones will draw',
  },
} as const;
