/**
 * The native application menu: the workbench's commands (from the list the page's shortcut
 * overlay shows too) and the platform's usual entries as Electron roles, so they behave natively.
 * Our commands go to the page as the contract event `app.menuCommand`. Types only from
 * 'electron': the template is built and tested without the binary; main.ts hands it to Menu.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { menuLabels } from '../../shared/app-command-labels';
import { type TopMenu, appCommand } from '../../shared/app-commands';
import type { MenuCommand } from '../../shared/contract/app';
import type { Language } from '../../shared/languages';

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Reload and developer tools are offered only where devTools are enabled (not in packaged builds). */
  devTools: boolean;
  onCommand: (command: MenuCommand) => void;
  /** The UI language the user chose in the page (or the OS's); English when not given. */
  language?: Language;
}

/** The template's item type, for code that may not import 'electron' (tests). */
export type MenuItem = MenuItemConstructorOptions;

/**
 * File, Edit, View, Connection, Window, Help (macOS: the app menu first). Labels and keys come from
 * shared/app-commands.ts, the list the page's shortcut overlay is built from too.
 */
export function createMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { platform, appName, devTools, onCommand } = options;
  const labels = menuLabels(options.language ?? 'en');
  const isMac = platform === 'darwin';
  const command = (name: MenuCommand): MenuItemConstructorOptions => {
    const { accelerator, pageKey } = appCommand(name);
    const label = labels.commands[name];
    // A key the page handles is shown but not registered with the OS on Windows and Linux, so one
    // press never runs the command twice (on macOS a key the page handled never reaches the menu).
    return { label, id: name, ...(accelerator ? { accelerator, registerAccelerator: !pageKey } : {}), click: () => onCommand(name) };
  };
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const developer: MenuItemConstructorOptions[] = devTools ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator] : [];
  const about: MenuItemConstructorOptions[] = isMac ? [] : [separator, { role: 'about' }];
  const label = (id: TopMenu) => labels.menus[id];

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
      label: label('file'),
      submenu: [command('newConnection'), separator, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    {
      label: label('edit'),
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: label('view'),
      submenu: [
        command('showWorkbench'),
        command('showHistory'),
        command('showBroker'),
        separator,
        command('toggleTopics'),
        command('toggleInspector'),
        separator,
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: label('connection'),
      submenu: [
        command('openConnectionWindow'),
        separator,
        ...([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((n) => command(`selectConnection${n}`)),
      ],
    },
    {
      label: label('window'),
      // On macOS the 'window' role makes this the Window menu (the open windows are listed in it).
      ...(isMac ? { role: 'window' as const } : {}),
      submenu: [
        command('openHistoryWindow'),
        command('openBrokerWindow'),
        separator,
        { role: 'minimize' },
        { role: 'zoom' },
        ...(isMac ? [separator, { role: 'front' } as const] : [{ role: 'close' } as const]),
      ],
    },
    {
      label: label('help'),
      role: 'help',
      submenu: [command('showShortcuts'), ...about],
    },
  ];
}
