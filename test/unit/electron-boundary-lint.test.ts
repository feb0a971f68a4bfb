// The import boundary of architecture.md, proved on the real eslint.config.mjs: each forbidden
// import is reported once, at the right place, and the allowed ones are not.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'workbench/layers']);

let eslint: ESLint;

async function lint(file: string, code: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  if (!result) throw new Error('no lint result');
  return result;
}

async function expectForbidden(file: string, code: string): Promise<void> {
  const result = await lint(file, code);
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `parse error in ${file}`).toEqual([]);
  const boundary = result.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId));
  // Exactly one report: the two mechanisms never both fire on one import.
  expect(boundary.map((m) => m.message), `${file}: ${code}`).toHaveLength(1);
  expect(boundary[0]!.severity).toBe(2);
}

async function expectAllowed(file: string, code: string): Promise<void> {
  const result = await lint(file, code);
  expect(result.messages.map((m) => `${m.ruleId}: ${m.message}`), `${file}: ${code}`).toEqual([]);
}

const NODE_NAMES = [
  'fs',
  'fs/promises',
  'path',
  'crypto',
  'http',
  'net',
  'child_process',
  'os',
  'url',
  'events',
  'stream',
  'buffer',
  'worker_threads',
  'node:fs',
  'node:fs/promises',
  'node:path',
  'node:crypto',
];

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

describe('(a) only main/electron imports electron', () => {
  it.each([
    ['main/core/engine/x.ts', "import { app } from 'electron';"],
    ['main/core/x.ts', "import type { WebContents } from 'electron';"],
    ['main/host/x.ts', "import { ipcMain } from 'electron/main';"],
    ['main/cli/x.ts', "export { app } from 'electron';"],
    ['renderer/features/x/view.tsx', "import { ipcRenderer } from 'electron';"],
    ['shared/x.ts', "import { contextBridge } from 'electron/renderer';"],
    ['test/unit/x.test.ts', "import { app } from 'electron';"],
    ['test/e2e/x.test.ts', "const electron = require('electron');"],
    ['test/integration/x.test.ts', "const { app } = await import('electron');"],
    ['electron.vite.config.ts', "import 'electron';"],
    ['main/cli/start.mjs', "import { app } from 'electron';"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));

  it.each([
    ['main/electron/main.ts', "import { app, BrowserWindow } from 'electron';"],
    ['main/electron/preload.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
    // Only the package itself: other packages whose names start with electron are fine.
    ['electron.vite.config.ts', "import { defineConfig } from 'electron-vite';"],
    ['test/electron/x.test.ts', "import { _electron } from 'playwright-core';"],
  ])('allows %s: %s', (file, code) => expectAllowed(file, code));
});

describe('(b) renderer and shared use no Node built-ins, no electron, nothing from main/', () => {
  for (const file of ['renderer/features/x/view.tsx', 'shared/contract/x.ts']) {
    it.each(NODE_NAMES)(`${file}: import from '%s'`, (name) => expectForbidden(file, `import x from '${name}';\nexport { x };`));
  }

  it.each([
    ['renderer/features/x/view.tsx', "import { createWorkbenchCore } from '../../../main/core/create-core';"],
    ['renderer/features/x/view.tsx', "import type { WorkbenchCore } from '../../../main/core/create-core';"],
    ['renderer/app/app.tsx', "export * from '../../main/host/static-files';"],
    ['renderer/app/app.tsx', "const m = await import('../../main/electron/security');"],
    ['renderer/main.tsx', "import '../main/electron/preload';"],
    ['shared/contract/x.ts', "import { x } from '../../main/core/rpc/dispatcher';"],
    ['renderer/app/app.tsx', "const fs = require('node:fs');"],
    ['shared/x.ts', "const { createHash } = await import('crypto');"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));

  it.each([
    ['renderer/app/app.tsx', "import { createRoot } from 'react-dom/client';\nimport { create } from 'zustand';"],
    ['renderer/app/app.tsx', "import { contract } from '../../shared/contract';"],
    ['renderer/features/payload/editor.tsx', "import * as monaco from 'monaco-editor/editor';"],
    // A renderer folder or file called main is not main/.
    ['renderer/features/main/panel.tsx', "import { x } from './toolbar';\nimport { y } from '../main/z';"],
    ['renderer/app/app.tsx', "import '../main';"],
    ['shared/contract/x.ts', "import { z } from 'zod';\nimport { encodeBase64 } from '../codecs/base64';"],
  ])('allows %s: %s', (file, code) => expectAllowed(file, code));
});

describe('(c) shared imports nothing from renderer/ or main/, and no React', () => {
  it.each([
    ['shared/contract/x.ts', "import { App } from '../../renderer/app/app';"],
    ['shared/x.ts', "export { createBridge } from '../renderer/bridge';"],
    ['shared/mqtt/x.ts', "import { version } from '../../main/cli/host';"],
    ['shared/x.ts', "import { useState } from 'react';"],
    ['shared/x.ts', "import { createRoot } from 'react-dom/client';"],
    ['shared/x.ts', "import Editor from '@monaco-editor/react';"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));
});

describe('(d) main/core imports no shell and no renderer', () => {
  it.each([
    ['main/core/engine/x.ts', "import { attachIpcTransport } from '../../electron/ipc-transport';"],
    ['main/core/x.ts', "import { startHost } from '../host/host-server';"],
    ['main/core/history/x.ts', "import { App } from '../../../renderer/app/app';"],
    ['main/core/x.ts', "import '../cli/host';"],
    ['main/core/x.ts', "const w = await import('../electron/window');"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));

  it.each([
    ['main/core/engine/x.ts', "import { readFile } from 'node:fs/promises';\nimport mqtt from 'mqtt';"],
    ['main/core/x.ts', "import { contract } from '../../shared/contract';\nimport { x } from './engine/y';"],
  ])('allows %s: %s', (file, code) => expectAllowed(file, code));
});

describe('(e) the renderer imports nothing from main/', () => {
  it.each([
    ['renderer/bridge/x.ts', "import { IPC_INVOKE_CHANNEL } from '../../main/electron/ipc-channels';"],
    ['renderer/x.ts', "import { CONTENT_SECURITY_POLICY } from '../main/host/static-files';"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));
});

describe('(f) inside the renderer, layers run one way: ui < model < payload < stores < features < app', () => {
  it.each([
    // Back-edges: a lower layer importing a higher one.
    ['renderer/stores/x.ts', "import { NO_FILTER } from '../features/messages/message-filter';"],
    ['renderer/stores/x.ts', "import { runMenuCommand } from '../app/menu-commands';"],
    ['renderer/ui/x.tsx', "import { useUiStore } from '../stores/ui-store';"],
    ['renderer/ui/x.tsx', "import { formatBytes } from '../payload/format';"],
    ['renderer/model/x.ts', "import { formatBytes } from '../payload/format';"],
    ['renderer/payload/x.ts', "import { ringOf } from '../stores/messages-store';"],
    ['renderer/payload/x.ts', "export { App } from '../app/app';"],
    ['renderer/features/x/view.tsx', "import { App } from '../../app/app';"],
    ['renderer/model/x.ts', "const { createBridge } = await import('../bridge');"],
    // Another feature's insides, the core's API and the transport, from a feature.
    ['renderer/features/x/view.tsx', "import { Inner } from '../y/inner';"],
    ['renderer/features/x/deep/view.tsx', "import { Inner } from '../../y/deep/inner';"],
    ['renderer/features/x/view.tsx', "import { getApi } from '../../stores/api';"],
    ['renderer/app/x.tsx', "import { getApi } from '../stores/api';"],
    ['renderer/features/x/view.tsx', "import { createBridge } from '../../bridge';"],
    // model/ and payload/ are pure.
    ['renderer/payload/x.ts', "import { useState } from 'react';"],
    ['renderer/model/x.ts', "import { create } from 'zustand';"],
    ['renderer/model/x.ts', "const m = await import('monaco-editor/editor');"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));

  it.each([
    [
      'renderer/features/x/view.tsx',
      "import { a } from './inner';\nimport { b } from '../y';\nimport { c } from '../y/index';\nimport { d } from '../../stores/messages-store';\nimport { e } from '../../payload/format';\nimport { f } from '../../model/ring';\nimport { g } from '../../ui/panel';",
    ],
    ['renderer/app/app.tsx', "import { View } from '../features/x/view';\nimport { createBridge } from '../bridge';\nimport { useUiStore } from '../stores/ui-store';"],
    ['renderer/main.tsx', "import { setApi } from './stores/api';"],
    ['renderer/stores/x.ts', "import { a } from '../payload/format';\nimport { b } from '../model/ring';\nimport type { Bridge } from '../bridge';\nimport { getApi } from './api';\nimport { create } from 'zustand';"],
    ['renderer/payload/x.ts', "import type { RingMessage } from '../model/message-ring';\nimport { formatReading } from '../ui/numbers';"],
    ['renderer/main.tsx', "import { App } from './app/app';\nimport { startEventFeed } from './stores/event-feed';"],
  ])('allows %s: %s', (file, code) => expectAllowed(file, code));
});

describe('the sandboxed preload and the shell', () => {
  it.each([
    ['main/electron/preload.ts', "import { join } from 'node:path';"],
    ['main/electron/preload.ts', "import { isAllowedSender } from './security';"],
    ['main/electron/preload.ts', "import { createWorkbenchCore } from '../core/create-core';"],
    ['main/electron/window.ts', "import { App } from '../../renderer/app/app';"],
  ])('%s: %s', (file, code) => expectForbidden(file, code));

  it.each([
    [
      'main/electron/preload.ts',
      "import { contextBridge } from 'electron';\nimport { createWorkbenchApi } from '../../shared/contract';\nimport { IPC_INVOKE_CHANNEL } from './ipc-channels';",
    ],
    [
      'main/electron/main.ts',
      "import { join } from 'node:path';\nimport { createWorkbenchCore } from '../core/create-core';\nimport { CONTENT_SECURITY_POLICY } from '../host/static-files';",
    ],
    ['test/unit/x.test.ts', "import { isAllowedSender } from '../../main/electron/security';"],
  ])('allows %s: %s', (file, code) => expectAllowed(file, code));
});

describe('the lint covers every source kind and ignores build output', () => {
  it.each([
    ['renderer/app/x.tsx', "import 'electron';\nexport const A = () => <div />;"],
    ['main/cli/x.mjs', "import 'electron';"],
    ['main/cli/x.mts', "import 'electron';"],
    ['main/cli/x.cjs', "require('electron');"],
  ])('lints %s', (file, code) => expectForbidden(file, code));

  it('ignores out/, dist/ and node_modules/', async () => {
    for (const dir of ['out/main', 'dist', 'node_modules/x']) {
      expect(await eslint.isPathIgnored(join(ROOT, dir, 'index.js')), dir).toBe(true);
    }
  });
});
