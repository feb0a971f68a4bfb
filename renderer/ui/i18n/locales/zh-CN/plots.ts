import type en from '../en/plots';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'plots' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  title: '图表',
  window: {
    '1m': '1 分钟',
    '5m': '5 分钟',
    '15m': '15 分钟',
    all: '全部',
  },
  axes: {
    'per-series': '每个序列一条轴',
    'per-seriesTitle': '每个序列一条 Y 轴，颜色与序列相同：无论数量级大小都清晰可读',
    shared: '共用轴',
    sharedTitle: '所有序列共用一条 Y 轴：便于比较同一单位的数值',
  },
  yAxes: 'Y 轴',
  timeWindow: '时间窗口',
  clear: '清空',
  fold: '将图表面板折叠为标题栏',
  showChart: '显示图表',
  hide: '隐藏',
  show: '显示',
  value: '值',
  noValue: '尚无数值',
  latest: '最新值：{{value}}',
  remove: '移除 {{label}}',
  emptyAll: '尚无数值：这些主题上的新消息将绘制在此处。',
  emptyWindow: '最近 {{window}} 内没有数值。',
  owner: {
    closed: '已关闭的连接',
    disconnected: '{{name}}（已断开）',
  },
  notice: {
    alreadyPlotted: '{{label}} 已在图表中',
    tooMany: '一个图表最多容纳 {{max}} 个序列：请先移除一个',
    previews: '{{topic}}：超过 4 KB 的载荷在实时视图中只以预览形式到达，无法绘制；较小的载荷会被绘制',
  },
};
export default zhCN;
