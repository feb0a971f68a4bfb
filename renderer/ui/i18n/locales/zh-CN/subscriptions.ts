import type en from '../en/subscriptions';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'subscriptions' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  panel: {
    filterPlaceholder: '主题/过滤器/#',
    requestedQos: '请求的 QoS',
    optionsTitle: 'MQTT 5 订阅选项',
    subscribe: '订阅',
    sharedWarning: '共享订阅属于 MQTT 5：在 MQTT 3.1.1 上，许多 Broker（NATS、RabbitMQ）会把“{{filter}}”当作字面过滤器，不会匹配任何主题。',
    optionsNeedV5: '订阅选项需要 MQTT 5。',
    connectHint: '连接到 Broker 后即可订阅。',
    more_one: '…另有 {{n}} 个订阅',
    more_other: '…另有 {{n}} 个订阅',
    identifierProblem: '{{min}} 到 {{max}} 之间的整数',
  },
  options: {
    noLocal: '不接收自己发布的消息（No Local）',
    retainAsPublished: '保留发布时的保留标志（Retain As Published）',
    retainHandling: '保留消息处理',
    sendRetained: '0：发送保留消息',
    onlyIfNew: '1：仅新订阅时发送',
    never: '2：从不发送',
    identifier: '订阅标识符',
    userProperties: '用户属性',
  },
  row: {
    noLocal: 'No Local',
    identifier: '标识符 {{value}}',
    userProperties_one: '{{count}} 个用户属性',
    userProperties_other: '{{count}} 个用户属性',
    failed: '失败',
    failedWith: '失败：{{reason}}',
    granted: '已授予 QoS {{qos}}',
    grantedLess: '已授予 QoS {{qos}}（请求 {{requested}}）',
    filterTitle: '{{filter}} — 请求的 QoS {{qos}}',
    waiting: '等待 SUBACK',
    downgraded: '：Broker 授予的 QoS 低于请求值，最多按该 QoS 投递',
    unsave: '从配置中移除 {{filter}}',
    save: '将 {{filter}} 保存到配置',
    savedTitle: '已保存到配置：每次连接时都会订阅（点击可从配置中移除）',
    saveTitle: '保存到配置：每次连接时都会订阅',
    unsubscribe: '取消订阅 {{filter}}',
    literally: '仍然订阅（作为字面过滤器）',
  },
};
export default zhCN;
