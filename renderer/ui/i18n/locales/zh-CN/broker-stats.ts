import type en from '../en/broker-stats';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'brokerStats' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  selectConnection: '选择一个连接以查看其服务器的统计信息。',
  subscribed: '已订阅 {{filter}}',
  subscribing: '正在订阅…',
  subscribe: '订阅 {{filter}}',
  noValues: '尚无 $SYS 数据（服务器每隔几秒发布一次）',
  values_one: '{{count, number}} 项数据',
  values_other: '{{count, number}} 项数据',
  reports: '服务器报告',
  flooding: '哪些主题正在占满服务器（最近一分钟）',
  messagesPerSecond: '条/秒',
  bytesPerSecond: '字节/秒',
  messageRate: '{{rate}} 条/秒',
  byteRate: '{{rate}} B/秒',
  sparkline: '速率，最新 {{rate}}/秒',
};
export default zhCN;
