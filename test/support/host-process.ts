import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HostProcess {
  /** The URL to open, token included: http://127.0.0.1:PORT/#token=TOKEN */
  url: string;
  port: number;
  token: string;
  /** The host's process id (to read its memory from /proc). */
  pid: number;
  /** The host's data folder (profiles, history.db, the secrets key); removed on stop unless it was given. */
  dataDir: string;
  /** Everything the host printed, for failure messages. */
  output(): string;
  /** Stops the host and removes what it owns (its data folder unless one was given). */
  stop(): Promise<void>;
  /** Stops the host as a user would (SIGTERM) and keeps its data folder, for a restart. */
  halt(): Promise<void>;
  /**
   * Starts the host again on the same port and data folder (halting it first if it runs), as a
   * user restarting the workbench would; the new process owns the folder as this one did.
   */
  restart(options?: { args?: string[] }): Promise<HostProcess>;
}

const OUT_DIR = fileURLToPath(new URL('../../out/', import.meta.url));
const HOST_ENTRY = join(OUT_DIR, 'main', 'host.js');
/** Inside node_modules, so the copied host still resolves its packages (better-sqlite3, ws) from the project. */
const SNAPSHOTS = fileURLToPath(new URL('../../node_modules/.cache/wb-e2e-host/', import.meta.url));

/** True when the copy is a whole build: the host entry, and every asset the page names. */
function isComplete(dir: string): boolean {
  const index = join(dir, 'renderer', 'index.html');
  if (!existsSync(join(dir, 'main', 'host.js')) || !existsSync(index)) return false;
  const assets = readFileSync(index, 'utf8').match(/assets\/[^"']+/g) ?? [];
  return assets.every((asset) => existsSync(join(dir, 'renderer', asset)));
}

/**
 * A private copy of the built host and renderer: a build started meanwhile (another shell, an
 * editor's watcher) empties out/ and renames every chunk, which a running test must not see.
 * A copy caught mid-build is taken again, for up to `waitMs`.
 */
async function snapshotBuild(waitMs = 30_000): Promise<string> {
  mkdirSync(SNAPSHOTS, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const dir = mkdtempSync(join(SNAPSHOTS, 'out-'));
    try {
      for (const part of ['main', 'renderer']) cpSync(join(OUT_DIR, part), join(dir, part), { recursive: true });
      if (isComplete(dir)) return dir;
    } catch {
      // a file vanished under the copy: a build is running
    }
    rmSync(dir, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`${OUT_DIR} stayed incomplete for ${waitMs} ms: run npm run build`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const READY_LINE = /Workbench ready: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/;

/**
 * Starts the built browser-mode host on a free port, as a user would, and waits for its URL.
 * `dataDir`: a folder an earlier host used, to launch the app again on its data (the caller removes it).
 * `port`: a fixed port (no fallback to a free one); `args`: more flags, such as `--new-token`.
 */
export async function startHostProcess(options: { timeoutMs?: number; dataDir?: string; port?: number; args?: string[] } = {}): Promise<HostProcess> {
  return launch({ ...options, ownsDataDir: options.dataDir === undefined });
}

async function launch({
  timeoutMs = 15_000,
  dataDir: given,
  port = 0,
  args = [],
  ownsDataDir,
}: {
  timeoutMs?: number;
  dataDir?: string;
  port?: number;
  args?: string[];
  ownsDataDir: boolean;
}): Promise<HostProcess> {
  // No out/ at all: never built. An incomplete one is a build in progress: snapshotBuild waits for it.
  if (!existsSync(OUT_DIR)) {
    throw new Error(`${HOST_ENTRY} is missing: run npm run build (npx electron-vite build) before the e2e tests`);
  }
  const build = await snapshotBuild();
  // Each host gets its own data folder: profiles and secrets never leak between tests or into ~.
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'wb-host-data-'));
  const removeBuild = () => rmSync(build, { recursive: true, force: true });
  const cleanUp = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    removeBuild();
  };
  // HOST_CPU_PROFILE=DIR: the host writes a V8 CPU profile there when it exits (for benches).
  const profile = process.env.HOST_CPU_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.HOST_CPU_PROFILE] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, join(build, 'main', 'host.js'), '--port', String(port), '--no-open', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1' },
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const ready = new Promise<RegExpExecArray>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`host printed no ready line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`host exited (code ${code}) before it was ready:\n${output}`));
    });
  });

  let match: RegExpExecArray;
  try {
    match = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    cleanUp();
    throw error;
  }
  const terminate = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    // The host closes its connections on SIGTERM within 3 s; don't wait longer than that.
    const timer = setTimeout(() => child.kill('SIGKILL'), 4000);
    await exited;
    clearTimeout(timer);
  };
  const host: HostProcess = {
    url: match[1]!,
    port: Number(match[2]),
    token: match[3]!,
    pid: child.pid!,
    dataDir,
    output: () => output,
    async stop() {
      await terminate();
      cleanUp();
    },
    async halt() {
      await terminate();
      removeBuild();
    },
    async restart(more = {}) {
      await host.halt();
      return launch({ timeoutMs, dataDir, port: host.port, args: more.args ?? [], ownsDataDir });
    },
  };
  return host;
}
