import type en from '../en/first-run';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'firstRun' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  title: '这里还什么都没有：三种开始方式',
  embedded: {
    title: '就在这里试试',
    text: '在本机的空闲端口上启动内置 MQTT Broker 并连接到它。',
    start: '启动内置 Broker',
    starting: '启动中…',
    didNotStart: '内置 Broker 未能启动',
    noTcp: '内置 Broker 运行时没有 TCP 监听器',
    connectionName: '内置 Broker',
  },
  connect: {
    title: '连接到你的 Broker',
    text: '主机、端口、凭据和 TLS；保存为配置以便下次使用。',
    create: '新建连接',
  },
  import: {
    title: '导入你的连接',
    text: '导入 MQTTX（其导出文件）或 MQTT Explorer（其设置文件）中的连接。',
    mqttx: '从 MQTTX 导入',
    mqttExplorer: '从 MQTT Explorer 导入',
  },
};
export default zhCN;
