import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run bench -- ui` only (test/bench/run-bench.ts starts it): the UI under a firehose, in Chromium.
// Vitest is just the runner here (TypeScript, ESM, the test/support helpers); it asserts nothing
// about speed. The figures go straight to stdout.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/bench/ui-bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    disableConsoleIntercept: true,
    reporters: ['dot'],
  },
});
