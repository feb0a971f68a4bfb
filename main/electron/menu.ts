/**
 * The native application menu: the platform's usual app/edit/view/window/help entries (as
 * Electron roles, so they are translated and behave natively) plus the workbench's own commands.
 * Our commands go to the page as the contract event `app.menuCommand`. Types only from
 * 'electron': the template is built and tested without the binary; main.ts hands it to Menu.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract/app';

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Reload and developer tools are offered only where devTools are enabled (not in packaged builds). */
  devTools: boolean;
  onCommand: (command: MenuCommand) => void;
}

/**
 * The page already handles these keys itself (renderer/app/shortcuts.ts) and marks them handled.
 * The menu shows them but does not register them with the OS on Windows and Linux, so one key
 * press can never run the command twice (on macOS a key the page handled never reaches the menu).
 */
const PAGE_HANDLED_KEYS = new Set(['CmdOrCtrl+K', 'Alt+P', 'F1']);

/** The template's item type, for code that may not import 'electron' (tests). */
export type MenuItem = MenuItemConstructorOptions;

export function createMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { platform, appName, devTools, onCommand } = options;
  const isMac = platform === 'darwin';
  const command = (label: string, name: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    id: name,
    ...(accelerator ? { accelerator, registerAccelerator: !PAGE_HANDLED_KEYS.has(accelerator) } : {}),
    click: () => onCommand(name),
  });
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const developer: MenuItemConstructorOptions[] = devTools ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator] : [];
  const about: MenuItemConstructorOptions[] = isMac ? [] : [separator, { role: 'about' }];

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: appName,
          submenu: [
            { role: 'about' },
            separator,
            { role: 'services' },
            separator,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            separator,
            { role: 'quit' },
          ],
        },
      ]
    : [];

  return [
    ...appMenu,
    {
      label: '&File',
      submenu: [command('New Connection…', 'newConnection', 'CmdOrCtrl+K'), separator, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        command('Workbench', 'showWorkbench', 'CmdOrCtrl+1'),
        command('History', 'showHistory', 'CmdOrCtrl+2'),
        command('Broker', 'showBroker', 'CmdOrCtrl+3'),
        separator,
        command('Toggle Packet Inspector', 'toggleInspector', 'Alt+P'),
        separator,
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [command('Keyboard Shortcuts', 'showShortcuts', 'F1'), ...about],
    },
  ];
}
