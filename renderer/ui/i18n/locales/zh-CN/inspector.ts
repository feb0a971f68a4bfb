import type en from '../en/inspector';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'inspector' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  typeFilter: '只显示此类型的报文',
  allTypes: '所有类型',
  clear: '清空',
  capture: '抓包',
  captureTitle: '实时传送此连接的报文（每个报文有少量开销）',
  noConnection: '打开一个连接以检查其报文。',
  captureOff: '此连接的报文抓取已关闭。',
  turnOn: '开启',
  replayed: '（CONNECT、CONNACK 和最近的报文会被重放）。',
  shown: '显示 {{shown}} 条',
  kept: ' · 保留 {{total}} 条中的最近 {{kept}} 条（环形缓冲 {{capacity}}）',
  close: '关闭',
  fromBroker: '来自服务器',
  toBroker: '发往服务器',
  header: {
    time: '时间',
    type: '类型',
    id: '标识',
    idTitle: '报文标识符',
    qos: 'Q',
    size: '大小',
    sizeTitle: '线路上的字节数',
    reason: '原因',
    topic: '主题',
  },
  field: {
    direction: '方向',
    received: '接收',
    sent: '发送',
    time: '时间',
    size: '大小',
    bytes: '{{size}} B',
    packetId: '报文标识符',
    qos: 'QoS',
    retain: '保留',
    dup: '重复',
    topic: '主题',
    payloadSize: '载荷大小',
    sessionPresent: '会话存在',
    reasonCode: '原因码',
    reasonCodeN: '原因码 {{n}}',
  },
};
export default zhCN;
