import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built `mqtt-workbench` command (npm run build writes it). */
export const CLI_ENTRY = fileURLToPath(new URL('../../out/main/mqtt-workbench.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout or stderr (as chosen) has a line matching `pattern`. */
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<string>;
  done: Promise<CliResult>;
}

/** Starts the built CLI as a child process (no shell); `input` is written to its stdin, then closed. */
export function startCli(args: string[], { input, env }: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run npm run build first`);
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].on('data', (chunk: Buffer) => {
      output[name] += chunk.toString();
      for (const listener of listeners) listener();
    });
  }
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code, ...output })));
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    done,
    waitForLine(pattern, stream = 'stdout', timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output[stream].split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          cleanup();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`No ${stream} line matching ${pattern} within ${timeoutMs} ms; stdout: ${output.stdout}; stderr: ${output.stderr}`));
        }, timeoutMs);
        const exited = () => {
          if (check()) return;
          cleanup();
          reject(new Error(`The CLI exited before a ${stream} line matched ${pattern}; stdout: ${output.stdout}; stderr: ${output.stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', exited);
        };
        if (check()) return;
        listeners.add(check);
        child.once('close', exited);
      });
    },
  };
}

/** Runs the built CLI to the end. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
