import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:electron` only: the desktop app in a real Electron. Not part of `npm test`
// (the Electron binary cannot be downloaded everywhere); it fails, never skips, without one.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/electron/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
