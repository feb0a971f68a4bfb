import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One build for every shell: out/main (Electron entry + browser-mode host), out/preload (one
// CommonJS file, as a sandboxed preload requires), out/renderer (the UI both shells serve).
export default defineConfig({
  main: {
    build: {
      // cborg ships ESM only (its "exports" has no require entry), which this CommonJS bundle cannot
      // require: bundled instead. The core decodes CBOR for codec rules (issue 16).
      externalizeDeps: { exclude: ['cborg'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/electron/main.ts'),
          host: resolve(__dirname, 'main/cli/host.ts'),
          broker: resolve(__dirname, 'main/cli/broker.ts'),
          'mqtt-workbench': resolve(__dirname, 'main/cli/mqtt-workbench.ts'),
          // Found at runtime next to the entry (main/core/history/worker-entry.ts).
          'history-worker': resolve(__dirname, 'main/core/history/history-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Bundle everything (zod included): a sandboxed preload can require nothing but 'electron'.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve(__dirname, 'main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      // WORKBENCH_DEBUG_BUILD=1 keeps names and adds source maps, for reading CPU profiles.
      minify: !process.env.WORKBENCH_DEBUG_BUILD,
      sourcemap: Boolean(process.env.WORKBENCH_DEBUG_BUILD),
      // Monaco is one large lazily loaded chunk by nature (~3 MB); the app's own chunk stays small.
      chunkSizeWarningLimit: 4000,
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
        output: {
          // zod and shared/zod-jitless in one chunk of their own: every chunk that builds a schema
          // imports it, so `config({ jitless: true })` has run before any schema exists, however the
          // bundler splits the rest. (Left to itself it once put the contract's schemas in a chunk
          // the entry imported before its own jitless call: zod then compiled parsers with
          // `new Function`, which the page's CSP refuses.)
          manualChunks: (id: string) => (/[\\/]node_modules[\\/]zod[\\/]|[\\/]shared[\\/]zod-jitless\.ts$/.test(id) ? 'zod' : undefined),
        },
      },
    },
    worker: { format: 'es' },
  },
});
