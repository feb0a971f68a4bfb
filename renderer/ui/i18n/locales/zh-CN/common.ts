import type en from '../en/common';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'common' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {
  cancel: '取消',
  close: '关闭',
  save: '保存',
  delete: '删除',
  apply: '应用',
  copy: '复制',
  clear: '清除',
  loading: '加载中…',
  none: '无',
  language: '语言',
  languageSystem: '跟随系统语言',
  languageTitle: '工作台的语言：英语、简体中文，或跟随系统语言',
  keyValue: {
    key: '键',
    value: '值',
    nth: '{{label}} {{n}}',
    moveUp: '上移',
    remove: '移除',
    add: '+ 添加',
  },
  fileInput: {
    size: '（{{bytes}} B）',
    forget: '移除 {{name}}',
  },
  panel: {
    crashed: '{{name}} 面板出错：',
    retry: '重试',
  },
  columnResizer: {
    title: '{{label}}（双击：恢复默认宽度）',
  },
  download: {
    gone: '此下载已过期，请重新导出。',
    noToken: '此页面没有工作台令牌，主机不会提供下载。',
    notSaved: '无法保存：{{error}}',
    unknownError: '未知错误',
  },
  virtualList: {
    followTitle: '重新跟随最新的行',
    jumpNew_one: '↓ {{n}} 条新内容，跳到最新',
    jumpNew_other: '↓ {{n}} 条新内容，跳到最新',
    newest: '↓ 最新',
  },
};
export default zhCN;
