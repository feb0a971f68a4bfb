import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitForPort } from './mosquitto';

/** A real proxy from Debian, listening on 127.0.0.1:port until stopped. */
export interface RunningProxy {
  port: number;
  stop(): Promise<void>;
}

const TINYPROXY = '/usr/bin/tinyproxy';
const DANTED = '/usr/sbin/danted';

function requireBinary(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install Debian's ${pkg} (apt-get install ${pkg}) to run the proxy tests`);
}

async function run(binary: string, args: string[], dir: string, port: number): Promise<RunningProxy> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 10_000),
      exited.then(() => {
        throw new Error(`${binary} exited before listening on ${port}:\n${output}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * tinyproxy (HTTP CONNECT) on loopback. `auth`: Basic proxy credentials it requires; `refuse`:
 * it allows CONNECT only to port 1, so a tunnel to the broker is answered 403.
 */
export async function startTinyproxy(options: { auth?: { username: string; password: string }; refuse?: boolean } = {}): Promise<RunningProxy> {
  requireBinary(TINYPROXY, 'tinyproxy');
  const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
  const port = await freePort();
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'MaxClients 50', 'Allow 127.0.0.1', 'LogLevel Info', 'User nobody', 'Group nogroup'];
  if (options.refuse) lines.push('ConnectPort 1');
  if (options.auth) lines.push(`BasicAuth ${options.auth.username} ${options.auth.password}`);
  const config = join(dir, 'tinyproxy.conf');
  writeFileSync(config, `${lines.join('\n')}\n`);
  // -d: stay in the foreground, so stopping the child stops the proxy.
  return run(TINYPROXY, ['-d', '-c', config], dir, port);
}

/**
 * dante (SOCKS5) on loopback. `requireAuth`: only user name/password authentication (RFC 1929,
 * checked by dante against the system's accounts); `refuse`: CONNECT is refused by a rule.
 */
export async function startDante(options: { requireAuth?: boolean; refuse?: boolean } = {}): Promise<RunningProxy> {
  requireBinary(DANTED, 'dante-server');
  const dir = mkdtempSync(join(tmpdir(), 'danted-'));
  const port = await freePort();
  const config = join(dir, 'danted.conf');
  writeFileSync(
    config,
    [
      'logoutput: stderr',
      `internal: 127.0.0.1 port = ${port}`,
      'external: 127.0.0.1',
      `socksmethod: ${options.requireAuth ? 'username' : 'none'}`,
      'clientmethod: none',
      'user.privileged: root',
      'user.unprivileged: nobody',
      'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
      options.refuse ? 'socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 log: connect error }' : 'socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 command: connect }',
      '',
    ].join('\n'),
  );
  // -N 1: one worker process, enough for the tests and frugal; -p: its pid file in our folder.
  return run(DANTED, ['-f', config, '-N', '1', '-p', join(dir, 'danted.pid')], dir, port);
}
