import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { requireProgram } from '../support/mosquitto';

export interface Display {
  /** Environment to hand the Electron process (DISPLAY when a private Xvfb was started). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Electron on Linux needs an X server (or Wayland). Uses the one the caller has; otherwise starts
 * a private Xvfb that picks its own free display number (-displayfd), and fails clearly without it.
 */
export async function ensureDisplay(): Promise<Display> {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
    return { env: {}, stop: async () => {} };
  }
  const xvfb = requireProgram('Xvfb', 'xvfb');
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const displayNumber = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within 10 s: ${stderr}`)), 10_000);
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before giving a display: ${stderr}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    env: { DISPLAY: `:${displayNumber}` },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      child.kill('SIGKILL');
    },
  };
}
