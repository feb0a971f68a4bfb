import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';

const BROKER_ENTRY = fileURLToPath(new URL('../../out/main/broker.js', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../../out/main/mqtt-workbench.js', import.meta.url));

describe('headless broker command (npm run broker, mqtt-workbench broker)', () => {
  it.each([
    ['npm run broker', [BROKER_ENTRY]],
    ['mqtt-workbench broker', [CLI_ENTRY, 'broker']],
  ])('%s prints one line with the ports it chose, serves mosquitto clients, and stops cleanly on SIGTERM', async (_name, entry) => {
    if (!existsSync(entry[0]!)) throw new Error(`${entry[0]} is missing: run npm run build first`);
    const child = spawn(process.execPath, [...entry, '--port', '0', '--ws-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner within 10 s: ${stdout}`)), 10_000);
        child.stdout.on('data', () => {
          const match = /^Broker listening: .*$/m.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        });
      });
      const match = /^Broker listening: mqtt:\/\/127\.0\.0\.1:(\d+) ws:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
      expect(match, line).not.toBeNull();
      const port = match![1]!;
      const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', port, '-V', '5', '-t', 'cli/#', '-C', '1']);
      // Retained, so the subscriber gets it whenever its SUBSCRIBE lands.
      const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', port, '-V', '5', '-t', 'cli/x', '-m', 'from the cli', '-r', '-q', '1']);
      expect(pub.code, pub.stderr).toBe(0);
      expect((await sub.done).stdout.toString().trim()).toBe('from the cli');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout.trim().split('\n')).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
