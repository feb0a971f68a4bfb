import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const BROKER_ENTRY = fileURLToPath(new URL('../../out/main/broker.js', import.meta.url));

export interface BuiltBroker {
  port: number;
  stop(): Promise<void>;
}

/** Starts the built headless broker (`npm run broker`) on a free port, with extra flags; resolves on its banner. */
export async function startBuiltBroker(args: string[] = []): Promise<BuiltBroker> {
  if (!existsSync(BROKER_ENTRY)) throw new Error(`${BROKER_ENTRY} is missing: run npm run build first`);
  const child: ChildProcess = spawn(process.execPath, [BROKER_ENTRY, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 10 s: ${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Broker listening: mqtt:\/\/[^:]+:(\d+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the broker exited (${code}): ${output}`)));
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The built broker for the file (started in beforeAll, stopped in afterAll). */
export function useBuiltBroker(args: string[] = []): { readonly port: number } {
  let broker: BuiltBroker | undefined;
  beforeAll(async () => {
    broker = await startBuiltBroker(args);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return {
    get port() {
      if (!broker) throw new Error('the built broker is not started yet');
      return broker.port;
    },
  };
}
