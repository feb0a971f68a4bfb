import type en from '../en/app';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'app' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  topBar: {
    reconnectOnLaunch: '启动时重新连接',
    reconnectOnLaunchTitle: '工作台再次启动时，重新连接上次停止时处于连接状态的已保存连接（无论如何，它们的标签页都会恢复）',
    timeFormat: '时间格式',
    timeFormatTitle: '所有时间的显示方式：24 小时制（15:17:41，2026-12-07），或按操作系统的语言和地区格式',
    time24h: '时间：24 小时制',
    timeLocale: '时间：跟随系统',
    theme: '主题',
    themeTitle: '浅色或深色，或跟随系统',
    themeSystem: '系统主题',
    themeLight: '浅色主题',
    themeDark: '深色主题',
    shortcuts: '键盘快捷键',
    shortcutsTitle: '键盘快捷键（? 或 F1）',
  },
};
export default zhCN;
