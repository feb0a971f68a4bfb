/**
 * Browser-mode entry: `node out/main/host.js [--port N] [--data-dir PATH] [--new-token] [--no-open]`.
 * Serves the workbench on 127.0.0.1 and prints one line with the URL (token included). The token
 * is the data folder's (`<dataDir>/host-token`), so the same URL works after a restart;
 * `--new-token` replaces it, and every earlier URL stops working.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { version } from '../../package.json';
import type { CoreOptions, WorkbenchCore } from '../core/create-core';
import { startHost } from '../host/host-server';
import { loadHostToken } from '../host/host-token';
import { defaultDataDir } from './data-dir';

/** The port a user gets unless they ask for another; a free one is used when it is taken. */
const DEFAULT_PORT = 18830;

function parsePort(args: string[]): { port: number; explicit: boolean } {
  const index = args.indexOf('--port');
  const raw = index >= 0 ? args[index + 1] : process.env.WORKBENCH_PORT;
  if (raw === undefined || raw === '') return { port: DEFAULT_PORT, explicit: false };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port: ${raw} (expected 0-65535)`);
    process.exit(2);
  }
  return { port, explicit: true };
}

function argument(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no default browser: the printed URL is enough
    child.unref();
  } catch {
    // Opening a browser is a convenience; the URL is printed either way.
  }
}

/** One turn of the event loop: the HTTP requests that arrived meanwhile are served first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The largest of the core's modules, in the order it requires them (the rest come with create-core).
 * Only the time they load at changes: a name missing here still loads with the core.
 */
// require, not import(): Node's import() of a CommonJS package also scans its source for named exports.
const load = createRequire(__filename);
const CORE_STEPS: Array<() => unknown> = [
  () => load('zod'),
  () => import('../../shared/contract'),
  () => load('mqtt-packet'),
  () => load('mqtt'),
  () => load('pg'),
  () => load('better-sqlite3'),
  () => load('quickjs-emscripten'),
  () => load('avsc'),
  () => load('ajv'),
  () => load('protobufjs'),
  () => load('socks'),
];

/**
 * The core's modules load synchronously (require), which stops the event loop for a while (about
 * 0.3 s on an idle machine, seconds on a loaded one): they are loaded in steps, a turn of the event
 * loop between two, so the page's own files are served in between instead of after all of it.
 */
async function createCoreInSteps(options: CoreOptions): Promise<WorkbenchCore> {
  for (const step of CORE_STEPS) {
    await nextTurn();
    await step();
  }
  await nextTurn();
  const { createWorkbenchCore } = await import('../core/create-core');
  await nextTurn();
  return createWorkbenchCore(options);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { port, explicit } = parsePort(args);
  const dataDir = argument(args, '--data-dir') ?? process.env.WORKBENCH_DATA_DIR ?? defaultDataDir();
  const rotate = args.includes('--new-token');
  const token = loadHostToken(dataDir, { rotate });
  // The page is served as soon as the server listens; the core is made once its first files are
  // out (startHost decides when), and what the page asks of it before then waits for it.
  let made: Promise<WorkbenchCore> | undefined;
  const makeCore = () => {
    if (made) return made;
    made = createCoreInSteps({ version, shell: 'browser', dataDir, connectOnLaunch: true });
    made.catch((error: unknown) => {
      console.error(`Workbench failed to start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
    return made;
  };
  const host = await startHost({
    core: makeCore,
    token,
    rendererDir: join(__dirname, '../renderer'),
    port,
    fallbackToFreePort: !explicit,
  });
  console.log(`Workbench ready: ${host.url}`);
  console.log(
    rotate
      ? 'A new token was made: addresses from earlier launches no longer work.'
      : `The same address works after a restart with this data folder (${dataDir}); --new-token replaces it.`,
  );
  if (!args.includes('--no-open') && !process.env.CI) openBrowser(host.url);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    // A core not made yet has nothing to close.
    const closeCore = made?.then((ready) => ready.close(), () => {});
    await Promise.race([Promise.all([closeCore, host.close()]), new Promise((r) => setTimeout(r, 3000))]);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

// A bug in one request must not take the workbench down with every open connection.
process.on('uncaughtException', (error) => console.error('Uncaught exception (host keeps running):', error));
process.on('unhandledRejection', (error) => console.error('Unhandled rejection (host keeps running):', error));

main().catch((error) => {
  console.error(`Workbench failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
