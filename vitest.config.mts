import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // Real brokers and a real browser: generous but bounded.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files in two workers at most so timing-sensitive tests stay stable.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
