import type en from '../en/payload';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'payload' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  firstOf: '…（{{total}} 中的前 {{shown}}）',
  tooLargeAs: '过大，无法在此处按 {{format}} 解码（{{size}}）；请导出或以十六进制查看',
  tooLarge: '过大，无法解码（{{size}}）',
  rawBytes: '{{problem}}。其原始字节：',
  notUtf8: '载荷不是有效的 UTF-8 文本。其原始字节：',
  notJsonUtf8: '不是 JSON：载荷不是有效的 UTF-8 文本。其原始字节：',
  notJson: '不是 JSON：{{problem}}。其原始字节：',
  showingChars: '显示 {{total}} 个字符中的前 {{shown}} 个',
  showingBytes: '显示 {{total}} 中的前 {{shown}}',
  tooLargeJson: '过大，无法格式化为 JSON（{{size}}）；以文本形式显示开头部分',
  typed: {
    array: '{{type}} 数组',
    little: '{{type}} 数组，小端序',
    big: '{{type}} 数组，大端序',
    showingValues: '显示 {{total}} 个值中的前 {{shown}} 个',
    leftover_one: '末尾 {{count, number}} 个字节不足一个完整的 {{type}}',
    leftover_other: '末尾 {{count, number}} 个字节不足一个完整的 {{type}}',
  },
  sparkplug: {
    noMetrics: '（无指标）',
    alias: '别名 {{alias}}',
  },
};
export default zhCN;
