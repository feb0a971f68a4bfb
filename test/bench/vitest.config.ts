import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run bench -- ui` and `-- startup` only (test/bench/run-bench.ts starts them, one file each): Chromium benches.
// Vitest is just the runner here (TypeScript, ESM, the test/support helpers); it asserts nothing
// about speed. The figures go straight to stdout.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/bench/ui-bench.ts', 'test/bench/startup-bench.ts'],
    testTimeout: 1_200_000, // the default ui run (three phases, then the four-step ramp) on a loaded machine
    hookTimeout: 120_000,
    maxWorkers: 1,
    disableConsoleIntercept: true,
    reporters: ['dot'],
  },
});
