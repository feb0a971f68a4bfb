import type en from '../en/connection-tabs';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'connectionTabs' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  status: {
    connecting: '连接中',
    connected: '已连接',
    reconnecting: '重连中',
    disconnected: '已断开',
    lastKnown: '最后已知状态：{{status}}',
    unreachable: '主机不可达',
    checking: '检查中…',
    unknown: '未知（主机不可达；最后已知状态 {{status}}）',
  },
  tabs: {
    label: '已打开的连接',
    close: '断开并关闭',
    closeNamed: '断开并关闭 {{name}}',
    newTitle: '新建连接（Ctrl/Cmd+K）',
    new: '+ 新建连接',
  },
  info: {
    none: '没有打开的连接。请在左侧选择一个配置，或新建连接。',
    attempt: '第 {{n}} 次尝试',
    nextIn: ' · {{seconds}} 秒后重试',
    noClientId: '（尚无客户端 ID）',
    auto: '（自动）',
    disconnect: '断开连接',
    connectAgain: '重新连接',
    reopenOnlyProfile: '只有从已保存配置打开的连接才能重新打开',
  },
  connack: {
    sessionPresent: '会话存在',
    reason: '原因',
    yes: '是',
    no: '否',
  },
  notes: {
    savedVersion: '已将 MQTT {{version}} 保存到“{{profile}}”。',
    saveVersion: '将 MQTT {{version}} 保存到配置',
    hiddenDollar_one: '已隐藏 {{n}} 条 <code>$</code> 主题上的消息：Broker 按以通配符开头的过滤器投递了它们，而这类过滤器不应匹配 <code>$</code> 主题 [MQTT-4.7.2-1]。请按名称订阅它们（例如 <code>$SYS/#</code>），或在连接的“高级”设置中开启“通配符过滤器保留 $ 主题”。',
    hiddenDollar_other: '已隐藏 {{n}} 条 <code>$</code> 主题上的消息：Broker 按以通配符开头的过滤器投递了它们，而这类过滤器不应匹配 <code>$</code> 主题 [MQTT-4.7.2-1]。请按名称订阅它们（例如 <code>$SYS/#</code>），或在连接的“高级”设置中开启“通配符过滤器保留 $ 主题”。',
    problems_one: '⚠ 此连接上有 {{n}} 个问题',
    problems_other: '⚠ 此连接上有 {{n}} 个问题',
    older: '…以及更早的 {{n}} 个',
  },
};
export default zhCN;
