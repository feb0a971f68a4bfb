// The native application menu (main/electron/menu.ts) and what its commands do in the page
// (renderer/stores/menu-commands.ts). The menu is a template of plain objects, so it is checked
// here without Electron; main.ts handing it to Menu is covered in electron-main.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { type MenuItem, createMenuTemplate } from '../../main/electron/menu';
import { MENU_COMMANDS, type MenuCommand, appContract } from '../../shared/contract/app';
import { APP_COMMANDS, TOP_MENUS, acceleratorKeys, shortcutRows } from '../../shared/app-commands';
import { MOD, SHORTCUT_GROUPS } from '../../renderer/app/shortcut-list';
import { runMenuCommand } from '../../renderer/stores/menu-commands';
import { useConnectionsStore } from '../../renderer/stores/connections-store';
import { useTopicTreeStore } from '../../renderer/stores/topic-tree-store';
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

const TOP_LEVEL = ['&File', '&Edit', '&View', '&Connection', '&Window', '&Help'];

describe('the native menu', () => {
  it('on macOS starts with the app menu (about, services, hide, quit), then File, Edit, View, Connection, Window, Help; File closes windows', () => {
    const { template } = build('darwin');
    expect(template[0]!.label).toBe('MQTT Workbench');
    expect(roles([template[0]!])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(template.map((item) => item.label)).toEqual(['MQTT Workbench', ...TOP_LEVEL]);
    expect(roles(template.slice(1, 2))).toEqual(['close']);
    // The Window menu is macOS's own (it lists the open windows).
    expect(template[5]!.role).toBe('window');
  });

  it('on Windows and Linux has no app menu: the same six menus, File quits and Help has About', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { template } = build(platform);
      expect(template.map((item) => item.label), platform).toEqual(TOP_LEVEL);
      expect(roles(template.slice(0, 1))).toEqual(['quit']);
      expect(roles(template.slice(-1))).toEqual(['help', 'about']);
    }
  });

  it('offers every workbench command once, in its menu, with its shortcut, and sends it when clicked', () => {
    const { template, sent } = build('linux');
    const commands = flatten(template).filter((item) => item.id !== undefined);
    expect(commands.map((item) => item.id).sort()).toEqual([...MENU_COMMANDS].sort());
    for (const entry of APP_COMMANDS) {
      const menu = template[TOP_MENUS.findIndex((top) => top.id === entry.menu)]!;
      expect(flatten([menu]).some((item) => item.id === entry.command), `${entry.command} in ${menu.label}`).toBe(true);
    }
    const accelerators = Object.fromEntries(commands.map((item) => [item.id, item.accelerator]));
    expect(accelerators).toMatchObject({
      newConnection: 'CmdOrCtrl+K',
      showWorkbench: 'CmdOrCtrl+1',
      showHistory: 'CmdOrCtrl+2',
      showBroker: 'CmdOrCtrl+3',
      toggleTopics: 'Alt+T',
      toggleInspector: 'Alt+P',
      selectConnection1: 'Alt+1',
      selectConnection9: 'Alt+9',
      openConnectionWindow: 'CmdOrCtrl+Shift+1',
      openHistoryWindow: 'CmdOrCtrl+Shift+2',
      openBrokerWindow: 'CmdOrCtrl+Shift+3',
      showShortcuts: 'F1',
    });
    for (const item of commands) click(item);
    expect(sent).toEqual(commands.map((item) => item.id));
  });

  it('has every shortcut of the in-app list (? / F1) with the same keys, so the two cannot drift', () => {
    const items = flatten(build('linux').template);
    const anywhere = SHORTCUT_GROUPS.find((group) => group.title === 'Anywhere')!.shortcuts;
    const rows = shortcutRows(MOD);
    // The list's command lines are these rows, in order, then Esc (which closes whatever is open).
    expect(anywhere.map((shortcut) => shortcut.keys)).toEqual([...rows.map((row) => row.keys), [['Esc']]]);
    for (const row of rows) {
      for (const command of row.commands) {
        const item = items.find((candidate) => candidate.id === command);
        expect(item, command).toBeDefined();
        const keys = acceleratorKeys(item!.accelerator as string, MOD);
        if (row.commands.length === 1) expect(row.keys[0], command).toEqual(keys);
        // A range (Alt+1…9): the same modifiers, each item one of its keys.
        else expect([...row.keys[0]!.slice(0, -1), keys[keys.length - 1]], command).toEqual(keys);
      }
    }
    expect(anywhere.map((shortcut) => shortcut.keys.map((combo) => combo.join('+')).join(' / '))).toEqual(
      expect.arrayContaining(['Ctrl+K', 'Alt+1…9', 'Alt+T', 'Alt+P', 'Ctrl+1', 'Ctrl+Shift+2', 'F1 / ?']),
    );
  });

  it('does not register keys the page already handles, so one press never toggles twice', () => {
    const items = flatten(build('win32').template);
    const byId = (id: string) => items.find((item) => item.id === id)!;
    for (const id of ['newConnection', 'toggleInspector', 'toggleTopics', 'selectConnection3', 'showShortcuts']) expect(byId(id).registerAccelerator, id).toBe(false);
    for (const id of ['showHistory', 'openHistoryWindow', 'openConnectionWindow']) expect(byId(id).registerAccelerator, id).toBe(true);
  });

  it('has the standard edit, zoom and window roles, and reload/devtools only in development', () => {
    expect(roles(build('linux').template)).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'minimize', 'close', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
    );
    expect(roles(build('darwin').template)).toEqual(expect.arrayContaining(['pasteAndMatchStyle', 'front']));
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

  it('Toggle Topics Panel shows or hides the topic tree, as Alt+T does', () => {
    const open = useTopicTreeStore.getState().panelOpen;
    runMenuCommand('toggleTopics');
    expect(useTopicTreeStore.getState().panelOpen).toBe(!open);
    runMenuCommand('toggleTopics');
    expect(useTopicTreeStore.getState().panelOpen).toBe(open);
  });

  it('Switch to Connection n selects the nth open connection, as Alt+n does, and ignores one past the end', () => {
    useConnectionsStore.setState({ order: ['c1', 'c2'], activeId: 'c1' });
    runMenuCommand('selectConnection2');
    expect(useConnectionsStore.getState().activeId).toBe('c2');
    runMenuCommand('selectConnection9');
    expect(useConnectionsStore.getState().activeId).toBe('c2');
  });

  it('Keyboard Shortcuts opens the help overlay', () => {
    runMenuCommand('showShortcuts');
    expect(useUiStore.getState().helpOpen).toBe(true);
  });
});

describe('the native menu in Simplified Chinese (issue 20, "Languages")', () => {
  it('names every menu and command in Chinese, with the same commands, ids and keys as in English', () => {
    const english = flatten(createMenuTemplate({ platform: 'linux', appName: 'MQTT Workbench', devTools: false, onCommand: () => {} }));
    const chinese = flatten(createMenuTemplate({ platform: 'linux', appName: 'MQTT Workbench', devTools: false, onCommand: () => {}, language: 'zh-CN' }));
    expect(chinese.map((item) => [item.id, item.role, item.accelerator])).toEqual(english.map((item) => [item.id, item.role, item.accelerator]));
    for (const item of chinese.filter((candidate) => candidate.label)) expect(item.label, String(item.id ?? item.label)).toMatch(/[\u4e00-\u9fff]/);
  });
});
