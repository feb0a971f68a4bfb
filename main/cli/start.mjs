#!/usr/bin/env node
/**
 * `npm start`: builds if the sources changed, then opens the desktop app where an Electron
 * binary exists, or serves the same workbench on 127.0.0.1 where it does not.
 * Flags: --browser (force browser mode), --port N (browser mode), --no-open.
 * Plain JavaScript on purpose: it runs before anything is built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const stampFile = join(root, 'out', '.build-stamp');
const SOURCE_DIRS = ['main', 'renderer', 'shared'];
const SOURCE_FILES = ['package.json', 'electron.vite.config.ts'];

function newestSourceTime() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) visit(join(root, file));
  return newest;
}

function buildIfNeeded() {
  const built = existsSync(stampFile) && existsSync(join(root, 'out/main/host.js')) && existsSync(join(root, 'out/renderer/index.html'));
  if (built && statSync(stampFile).mtimeMs >= newestSourceTime()) return;
  console.log('Building the workbench...');
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('Build failed: run `npx electron-vite build` to see why.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, new Date().toISOString());
}

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
