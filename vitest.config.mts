import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/component/: React views in a DOM (happy-dom, chosen per file by a docblock so the rest keeps Node).
    include: ['test/unit/**/*.test.ts', 'test/component/**/*.test.tsx', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // Real brokers and a real browser: generous but bounded.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files in two workers at most so timing-sensitive tests stay stable.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
