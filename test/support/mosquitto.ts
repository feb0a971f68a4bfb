import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** Finds a program on PATH (or in /usr/sbin, where Debian puts mosquitto) or fails loudly. */
export function requireProgram(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin'])) {
    const candidate = join(dir, name);
    try {
      execFileSync('test', ['-x', candidate]);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(`${name} is required for this test but was not found. Install it: apt-get install ${debianPackage}`);
}

export interface Mosquitto {
  host: string;
  /** MQTT over TCP. */
  port: number;
  /** MQTT over WebSocket (path /). */
  wsPort: number;
  /** With `tls`: MQTT over TLS, any client. */
  tlsPort?: number;
  /** With `tls`: MQTT over TLS, a client certificate signed by the CA is required. */
  mtlsPort?: number;
  /** With `tls`: MQTT over secure WebSocket. */
  wssPort?: number;
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  /** Adds TLS listeners using these PEM files. */
  tls?: { caPath: string; certPath: string; keyPath: string };
  /** Requires this user name and password on every listener. */
  auth?: { username: string; password: string };
  /** A fixed TCP port (e.g. to restart a broker where its clients expect it); a free one otherwise. */
  port?: number;
  /** More mosquitto.conf lines (global options such as max_queued_messages). */
  extraConfig?: string[];
  /**
   * The whole configuration file instead of the generated one, for the TCP port given (e.g. the same
   * file our broker reads, for a differential test). Only that port is waited for; files it names
   * must be readable by the mosquitto user.
   */
  config?: (port: number) => string;
}

export function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** mosquitto could not bind a port it was given: another process took it after freePort() saw it free. */
class PortTakenError extends Error {}

/**
 * Starts a private mosquitto on free loopback ports with its own config file. A port found free
 * can be taken before mosquitto binds it (by a parallel test's server, or as the ephemeral port of
 * any outgoing connection); mosquitto then exits at once, so it is started again on new ports.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMosquittoOnce(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function startMosquittoOnce(options: MosquittoOptions): Promise<Mosquitto> {
  const binary = requireProgram('mosquitto', 'mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'wb-mosquitto-'));
  // Started as root, mosquitto drops to its own user: it must still be able to read its files.
  chmodSync(dir, 0o755);
  const port = options.port ?? (await freePort());
  const wsPort = await freePort();
  const config = join(dir, 'mosquitto.conf');
  const authLines: string[] = [];
  if (options.auth) {
    const passwordFile = join(dir, 'passwords');
    execFileSync(requireProgram('mosquitto_passwd', 'mosquitto'), ['-c', '-b', passwordFile, options.auth.username, options.auth.password]);
    chmodSync(passwordFile, 0o644);
    authLines.push(`password_file ${passwordFile}`);
  }
  const tls = options.tls;
  const tlsPorts = tls ? { tlsPort: await freePort(), mtlsPort: await freePort(), wssPort: await freePort() } : undefined;
  const tlsFiles = tls ? [`cafile ${tls.caPath}`, `certfile ${tls.certPath}`, `keyfile ${tls.keyPath}`] : [];
  const tlsListeners = tlsPorts
    ? [
        `listener ${tlsPorts.tlsPort} 127.0.0.1`,
        'protocol mqtt',
        ...tlsFiles,
        `listener ${tlsPorts.mtlsPort} 127.0.0.1`,
        'protocol mqtt',
        ...tlsFiles,
        'require_certificate true',
        `listener ${tlsPorts.wssPort} 127.0.0.1`,
        'protocol websockets',
        ...tlsFiles,
      ]
    : [];

  writeFileSync(
    config,
    options.config ? options.config(port) : [
      'per_listener_settings false',
      `allow_anonymous ${options.auth ? 'false' : 'true'}`,
      ...authLines,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      // for its 'running' line, printed once every listener is bound (no per-client lines)
      'log_type information',
      ...(options.extraConfig ?? []),
      `listener ${port} 127.0.0.1`,
      'protocol mqtt',
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      ...tlsListeners,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let saidRunning: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (saidRunning = resolve));
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    if (/mosquitto version \S+ running/.test(stderr)) saidRunning();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitedAtStart = () => (/address already in use/i.test(stderr) ? new PortTakenError(`mosquitto could not bind a port: ${stderr}`) : new Error(`mosquitto exited at start: ${stderr}`));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      // our configuration: mosquitto says it is running once it holds every port (one taken: it
      // says so and exits). A caller's file may not log that: its port answering will do.
      options.config ? waitForPort(port, 5000) : running,
      exited.then(() => {
        throw exitedAtStart();
      }),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`mosquitto did not start within 5 s: ${stderr}`)), 5000))),
    ]);
    if (options.config) {
      // A port answering may be another process's that took it: mosquitto, failing to bind it,
      // exits within moments. Still running a little later means it holds the port.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (child.exitCode !== null || child.signalCode !== null) throw exitedAtStart();
    }
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    host: '127.0.0.1',
    port,
    wsPort,
    ...tlsPorts,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SubProcessResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/**
 * Runs mosquitto_sub until it has received `count` messages (-C), returning raw stdout bytes.
 * With `signalSubscribed`, `subscribed` resolves once the broker has acknowledged its SUBSCRIBE:
 * it then runs with -d, whose debug lines go to stdout and are taken out of `done`'s stdout
 * (also where -N glued one to a payload). Without it, `subscribed` never resolves.
 */
export function runMosquittoSub(args: string[], { signalSubscribed = false } = {}): { done: Promise<SubProcessResult>; subscribed: Promise<void>; kill(): void } {
  const binary = requireProgram('mosquitto_sub', 'mosquitto-clients');
  // through a pipe its stdout is block-buffered: line-buffered (stdbuf), the SUBACK line comes at once
  const child = signalSubscribed
    ? spawn(requireProgram('stdbuf', 'coreutils'), ['-oL', binary, '-d', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  let onSubscribed: () => void = () => undefined;
  let failSubscribed: (error: Error) => void = () => undefined;
  const subscribed = new Promise<void>((resolve, reject) => {
    onSubscribed = resolve;
    failSubscribed = reject;
  });
  subscribed.catch(() => undefined); // only a caller that awaits it hears that it failed
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (signalSubscribed && /received SUBACK/.test(Buffer.concat(chunks).toString('latin1'))) onSubscribed();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<SubProcessResult>((resolve) =>
    child.once('close', (code) => {
      failSubscribed(new Error(`mosquitto_sub ended before its SUBACK (code ${code}): ${stderr}`));
      const stdout = Buffer.concat(chunks);
      resolve({ stdout: signalSubscribed ? withoutDebugLines(stdout) : stdout, stderr, code });
    }),
  );
  return { done, subscribed, kill: () => child.kill('SIGKILL') };
}

/**
 * stdout of `mosquitto_sub -d` without its debug lines, byte-exact otherwise (latin1 maps each
 * byte to one character and back). A line may follow a payload printed with -N on the same line.
 */
function withoutDebugLines(stdout: Buffer): Buffer {
  const text = stdout.toString('latin1').replace(/Client \S+ (?:sending|received) [A-Z]+[^\n]*\n|Subscribed \(mid: \d+\):[^\n]*\n/g, '');
  return Buffer.from(text, 'latin1');
}

export function runMosquittoPub(args: string[], input?: Buffer): Promise<SubProcessResult> {
  const binary = requireProgram('mosquitto_pub', 'mosquitto-clients');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout: Buffer.concat(chunks), stderr, code }));
    if (input) child.stdin.end(input);
    else child.stdin.end();
  });
}
