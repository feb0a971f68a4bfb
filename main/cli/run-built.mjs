#!/usr/bin/env node
/** `node main/cli/run-built.mjs ENTRY [args]`: builds if needed, then runs out/main/ENTRY.js. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfNeeded, root } from './build-if-needed.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !/^[a-z-]+$/.test(entry)) {
  console.error('usage: run-built.mjs ENTRY [args]');
  process.exit(2);
}
buildIfNeeded();
const child = spawn(process.execPath, [join(root, 'out', 'main', `${entry}.js`), ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
