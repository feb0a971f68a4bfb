import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HostProcess {
  /** The URL to open, token included: http://127.0.0.1:PORT/#token=TOKEN */
  url: string;
  port: number;
  token: string;
  /** Everything the host printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const HOST_ENTRY = fileURLToPath(new URL('../../out/main/host.js', import.meta.url));
const READY_LINE = /Workbench ready: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/;

/** Starts the built browser-mode host on a free port, as a user would, and waits for its URL. */
export async function startHostProcess({ timeoutMs = 15_000 } = {}): Promise<HostProcess> {
  if (!existsSync(HOST_ENTRY)) {
    throw new Error(`${HOST_ENTRY} is missing: run npm run build (npx electron-vite build) before the e2e tests`);
  }
  // Each host gets its own data folder: profiles and secrets never leak between tests or into ~.
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-host-data-'));
  const child: ChildProcess = spawn(process.execPath, [HOST_ENTRY, '--port', '0', '--no-open', '--data-dir', dataDir], {
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
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: match[1]!,
    port: Number(match[2]),
    token: match[3]!,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        // The host closes its connections on SIGTERM within 3 s; don't wait longer than that.
        const timer = setTimeout(() => child.kill('SIGKILL'), 4000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
