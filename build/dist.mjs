#!/usr/bin/env node
/**
 * `npm run dist [-- electron-builder options]`: builds the app and the installers for this
 * platform (electron-builder.yml: AppImage, deb and rpm, dmg and zip, or the NSIS installer) into
 * dist/, for this machine's arch or those named (`--x64`, `--arm64`; the release workflow passes
 * its runner's).
 *
 * electron-builder downloads Electron (and Electron's headers, to rebuild better-sqlite3). It is
 * checked first that Electron can be had, for each arch packaged: from Electron's download cache or from its release
 * site (ELECTRON_MIRROR is honoured). Where it cannot (the offline development machines), this
 * stops with a clear message before electron-builder starts, because its first step rebuilds
 * better-sqlite3 in node_modules for Electron and would leave it half rebuilt.
 *
 * WB_DIST_DRY_RUN=1 prints the steps it would run (one JSON line each) after the check, and runs
 * nothing: the test of this script uses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHECK_TIMEOUT_MS = 10_000;

/** Where @electron/get keeps downloaded Electron zips on each OS (or ELECTRON_CACHE). */
export function electronCacheDir(platform = process.platform, env = process.env) {
  if (env.ELECTRON_CACHE) return env.ELECTRON_CACHE;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron');
}

export function electronZipName(version, platform = process.platform, arch = process.arch) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

export function electronZipUrl(version, zipName, env = process.env) {
  const base = env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  return `${base.endsWith('/') ? base : `${base}/`}v${version}/${zipName}`;
}

/** True when the zip is already in the cache (@electron/get files it one folder down). */
export function isCached(cacheDir, zipName) {
  if (!existsSync(cacheDir)) return false;
  if (existsSync(join(cacheDir, zipName))) return true;
  return readdirSync(cacheDir, { withFileTypes: true }).some((entry) => entry.isDirectory() && existsSync(join(cacheDir, entry.name, zipName)));
}

async function isReachable(url) {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    return response.status < 400;
  } catch {
    return false;
  }
}

/** The arches `npm run dist -- ...` packages (--x64, --arm64...); this machine's without any. */
export function targetArchs(builderArgs = process.argv.slice(2), arch = process.arch) {
  const named = ['x64', 'arm64', 'ia32', 'armv7l'].filter((name) => builderArgs.includes(`--${name}`));
  return named.length > 0 ? named : [arch];
}

/** The Electron platform name electron-builder downloads for `--mac`, `--win`, `--linux` (else this machine's). */
export function targetPlatform(builderArgs = process.argv.slice(2), platform = process.platform) {
  if (builderArgs.includes('--mac') || builderArgs.includes('-m')) return 'darwin';
  if (builderArgs.includes('--win') || builderArgs.includes('-w')) return 'win32';
  if (builderArgs.includes('--linux') || builderArgs.includes('-l')) return 'linux';
  return platform;
}

/**
 * The steps, in order: electron-vite builds out/, then electron-builder packages it with the
 * options given to `npm run dist --`, never publishing.
 */
export function distSteps(builderArgs = process.argv.slice(2), root = ROOT, node = process.execPath) {
  return [
    [node, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']],
    [node, [join(root, 'node_modules', 'electron-builder', 'cli.js'), '--publish', 'never', ...builderArgs]],
  ];
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
  // Read as a file: requiring anything of 'electron' may start its binary download.
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const cacheDir = electronCacheDir();
  // One Electron per arch packaged (the release workflow cross-builds Windows arm64 on x64).
  const platform = targetPlatform();
  for (const arch of targetArchs()) await checkElectron(version, electronZipName(version, platform, arch), cacheDir);
  if (process.env.WB_DIST_DRY_RUN === '1') {
    for (const step of distSteps()) console.log(JSON.stringify(step));
    return;
  }
  for (const [command, args] of distSteps()) run(command, args);
  console.log(
    [
      'Installers are in dist/.',
      "Packaging rebuilt better-sqlite3 for Electron's ABI: run `npm rebuild better-sqlite3` before running the Node tests again.",
    ].join('\n'),
  );
}

async function checkElectron(version, zipName, cacheDir) {
  const url = electronZipUrl(version, zipName);
  if (!isCached(cacheDir, zipName) && !(await isReachable(url))) {
    console.error(
      [
        `npm run dist: cannot package here. electron-builder needs Electron ${version} (${zipName}),`,
        `which is not in the download cache (${cacheDir}) and cannot be downloaded from`,
        `${url} (no network, or blocked).`,
        '',
        'Nothing was changed. The installers are built by .github/workflows/release.yml on a CI with',
        'internet (push a v* tag). To package on this machine, put the zip in the cache folder above,',
        'or set ELECTRON_MIRROR to a reachable mirror, and run npm run dist again.',
      ].join('\n'),
    );
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
