/**
 * `npm run bench -- <suite> [options]`: prints figures side by side with a peer measured in the
 * same run, as ratios. Runs from the TypeScript sources (see main/core/history/ts-worker-bootstrap.cjs).
 * Suites: history (the batched SQLite writer vs a bare better-sqlite3 loop; queries at 1M rows; export);
 * broker (our broker vs mosquitto and aedes: fan-in, fan-out, connect rate, memory, latency);
 * engine (client ingest vs mosquitto_sub, and memory over a sustained run);
 * ui (the built workbench in Chromium under a firehose: test/bench/ui-bench.ts, run by Vitest for
 * its TypeScript and ESM; UI_BENCH_SCALE=0.5 halves the rates; `ui --ramp` runs only the QoS 0 ramp);
 * startup (npm start to first paint and ready for input, and the JS the page loads: test/bench/startup-bench.ts);
 * ipc (a message batch over Electron IPC as a structured clone vs the binary frame, in Node);
 * cli (the command line's bench pub vs a plain mqtt.js publish loop, against mosquitto).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runBrokerBench } from './broker-bench';
import { runCliBench } from './cli-bench';
import { runEngineBench } from './engine-bench';
import { runHistoryBench } from './history-bench';
import { runIpcBench } from './ipc-bench';

const SUITES: Record<string, (args: string[]) => Promise<void>> = {
  history: runHistoryBench,
  broker: runBrokerBench,
  engine: runEngineBench,
  ui: runUiBench,
  startup: () => runInVitest('test/bench/startup-bench.ts'),
  ipc: runIpcBench,
  cli: runCliBench,
};

/** The Chromium benches run under Vitest (TypeScript, ESM, the test/support helpers). */
async function runInVitest(file: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const vitest = resolve(__dirname, '../../node_modules/vitest/vitest.mjs');
  const result = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/bench/vitest.config.ts', file], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${file} failed (exit ${result.status})`);
}

async function runUiBench(args: string[]): Promise<void> {
  await runInVitest('test/bench/ui-bench.ts', args.includes('--ramp') ? { UI_BENCH_PHASES: 'ramp' } : {});
}

async function main(): Promise<void> {
  const [suite, ...args] = process.argv.slice(2);
  const names = suite ? [suite] : Object.keys(SUITES);
  for (const name of names) {
    const run = SUITES[name];
    if (!run) {
      console.error(`Unknown bench suite "${name}". Suites: ${Object.keys(SUITES).join(', ')}`);
      process.exit(2);
    }
    console.log(`\n== bench: ${name} ==`);
    await run(args);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
