/**
 * The native menu's own words in each language (the page's strings are in renderer/ui/i18n; the
 * menu is drawn by the desktop shell, which cannot load the page's catalogs). English is in
 * shared/app-commands.ts beside each command; every other language names every menu and command
 * (the types refuse a missing one). The platform's own items (Undo, Copy, Quit...) are Electron
 * roles, which the OS translates.
 */
import { APP_COMMANDS, TOP_MENUS, type TopMenu } from './app-commands';
import type { MenuCommand } from './contract/app';
import type { Language } from './languages';

interface MenuLabels {
  menus: Record<TopMenu, string>;
  commands: Record<MenuCommand, string>;
}

const selectConnectionZh = Object.fromEntries(([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((n) => [`selectConnection${n}`, `切换到连接 ${n}`])) as Record<`selectConnection${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`, string>;

const TRANSLATED: Record<Exclude<Language, 'en'>, MenuLabels> = {
  'zh-CN': {
    menus: { file: '文件(&F)', edit: '编辑(&E)', view: '视图(&V)', connection: '连接(&C)', window: '窗口(&W)', help: '帮助(&H)' },
    commands: {
      newConnection: '新建连接…',
      showWorkbench: '工作台',
      showHistory: '历史记录',
      showBroker: 'Broker 服务',
      toggleTopics: '显示/隐藏主题面板',
      toggleInspector: '显示/隐藏报文检查器',
      ...selectConnectionZh,
      openConnectionWindow: '在新窗口中打开连接',
      openHistoryWindow: '在新窗口中打开历史记录',
      openBrokerWindow: '在新窗口中打开 Broker 服务',
      showShortcuts: '键盘快捷键',
    },
  },
};

const ENGLISH: MenuLabels = {
  menus: Object.fromEntries(TOP_MENUS.map((menu) => [menu.id, menu.label])) as Record<TopMenu, string>,
  commands: Object.fromEntries(APP_COMMANDS.map((entry) => [entry.command, entry.label])) as Record<MenuCommand, string>,
};

/** The labels of the native menu in `language`. */
export function menuLabels(language: Language): MenuLabels {
  return language === 'en' ? ENGLISH : TRANSLATED[language];
}
