// The native application menu (main/electron/menu.ts) and what its commands do in the page
// (renderer/stores/menu-commands.ts). The menu is a template of plain objects, so it is checked
// here without Electron; main.ts handing it to Menu is covered in electron-main.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { type MenuItem, createMenuTemplate } from '../../main/electron/menu';
import { MENU_COMMANDS, type MenuCommand, appContract } from '../../shared/contract/app';
import { runMenuCommand } from '../../renderer/stores/menu-commands';
import { useUiStore } from '../../renderer/stores/ui-store';

type Item = MenuItem;

function build(platform: NodeJS.Platform, devTools = false) {
  const sent: MenuCommand[] = [];
  const template = createMenuTemplate({ platform, appName: 'MQTT Workbench', devTools, onCommand: (command) => sent.push(command) });
  return { template, sent };
}

/** Every item, depth first. */
function flatten(items: Item[]): Item[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

const roles = (items: Item[]) => flatten(items).map((item) => item.role).filter(Boolean);
const click = (item: Item) => (item.click as unknown as () => void)();

describe('the native menu', () => {
  it('on macOS starts with the app menu (about, services, hide, quit) and closes windows from File', () => {
    const { template } = build('darwin');
    expect(template[0]!.label).toBe('MQTT Workbench');
    expect(roles([template[0]!])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(template.map((item) => item.role ?? item.label)).toEqual(['MQTT Workbench', '&File', 'editMenu', '&View', 'windowMenu', 'help']);
    expect(roles(template.slice(1, 2))).toEqual(['close']);
  });

  it('on Windows and Linux has no app menu: File quits and Help has About', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template } = build(platform);
      expect(template.map((item) => item.role ?? item.label), platform).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
      expect(roles(template.slice(0, 1))).toEqual(['quit']);
      expect(roles(template.slice(-1))).toEqual(['help', 'about']);
    }
  });

  it('offers every workbench command once, with its shortcut, and sends it when clicked', () => {
    const { template, sent } = build('linux');
    const commands = flatten(template).filter((item) => item.id !== undefined);
    expect(commands.map((item) => item.id).sort()).toEqual([...MENU_COMMANDS].sort());
    const accelerators = Object.fromEntries(commands.map((item) => [item.id, item.accelerator]));
    expect(accelerators).toEqual({
      newConnection: 'CmdOrCtrl+K',
      showWorkbench: 'CmdOrCtrl+1',
      showHistory: 'CmdOrCtrl+2',
      showBroker: 'CmdOrCtrl+3',
      toggleInspector: 'Alt+P',
      showShortcuts: 'F1',
    });
    for (const item of commands) click(item);
    expect(sent).toEqual(commands.map((item) => item.id));
  });

  it('does not register keys the page already handles, so one press never toggles twice', () => {
    const items = flatten(build('win32').template);
    const byId = (id: string) => items.find((item) => item.id === id)!;
    expect(byId('newConnection').registerAccelerator).toBe(false);
    expect(byId('toggleInspector').registerAccelerator).toBe(false);
    expect(byId('showShortcuts').registerAccelerator).toBe(false);
    expect(byId('showHistory').registerAccelerator).toBe(true);
  });

  it('has the standard edit, zoom and full-screen roles, and reload/devtools only in development', () => {
    expect(roles(build('linux').template)).toEqual(
      expect.arrayContaining(['editMenu', 'windowMenu', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
    );
    expect(roles(build('linux').template)).not.toContain('toggleDevTools');
    expect(roles(build('linux').template)).not.toContain('reload');
    expect(roles(build('linux', true).template)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });
});

describe('menu commands in the page', () => {
  beforeEach(() => useUiStore.setState({ view: 'workbench', editor: null, inspectorOpen: false, helpOpen: false }));

  it('reaches the page as a typed contract event that refuses unknown commands', () => {
    const schema = appContract.events.menuCommand.payload;
    expect(schema.parse({ command: 'showHistory' })).toEqual({ command: 'showHistory' });
    expect(schema.safeParse({ command: 'rm -rf' }).success).toBe(false);
  });

  it('New Connection opens the connection dialog', () => {
    runMenuCommand('newConnection');
    expect(useUiStore.getState().editor).toEqual({ mode: 'new' });
  });

  it('switches between the Workbench, History and Broker views', () => {
    runMenuCommand('showHistory');
    expect(useUiStore.getState().view).toBe('history');
    runMenuCommand('showBroker');
    expect(useUiStore.getState().view).toBe('broker');
    runMenuCommand('showWorkbench');
    expect(useUiStore.getState().view).toBe('workbench');
  });

  it('toggles the packet inspector, going to the workbench to show it', () => {
    useUiStore.setState({ view: 'history' });
    runMenuCommand('toggleInspector');
    expect(useUiStore.getState()).toMatchObject({ inspectorOpen: true, view: 'workbench' });
    runMenuCommand('toggleInspector');
    expect(useUiStore.getState().inspectorOpen).toBe(false);
  });

  it('Keyboard Shortcuts opens the help overlay', () => {
    runMenuCommand('showShortcuts');
    expect(useUiStore.getState().helpOpen).toBe(true);
  });
});
