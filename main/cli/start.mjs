#!/usr/bin/env node
/**
 * `npm start`: builds if the sources changed, then opens the desktop app where an Electron
 * binary exists, or serves the same workbench on 127.0.0.1 where it does not.
 * Flags: --browser (force browser mode), --port N, --data-dir PATH and --new-token (browser mode), --no-open.
 * Plain JavaScript on purpose: it runs before anything is built.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIfNeeded, root } from './build-if-needed.mjs';

const args = process.argv.slice(2);

/** The Electron binary's path, or null where it was never downloaded (as on our CI machines). */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const binary = join(base, relative);
  return existsSync(binary) ? binary : null;
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

buildIfNeeded();
const electron = args.includes('--browser') ? null : electronBinary();
if (electron) {
  run(electron, [root]);
} else {
  if (!args.includes('--browser')) console.log('No Electron binary here: serving the workbench in browser mode.');
  run(process.execPath, [join(root, 'out/main/host.js'), ...args.filter((a) => a !== '--browser')]);
}
