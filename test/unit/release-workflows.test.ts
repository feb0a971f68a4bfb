import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { steps: { run?: string; with?: Record<string, unknown> }[]; strategy?: { matrix: { os: string[] } } }> };

describe('CI workflows stay consistent with .ci/run', () => {
  it('runs .ci/run on every push, the entry our own CI runs', () => {
    const ci = load(read('.github/workflows/ci.yml')) as Workflow;
    expect(Object.keys(ci.on)).toContain('push');
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
    expect(runs).toContain('bash .ci/run');
    expect(read('.ci/run')).toMatch(/npm ci[^\n]*\n[\s\S]*npm test/);
  });

  it('releases on version tags from Windows, macOS and Linux on Node 22, testing the packaged app', () => {
    const release = load(read('.github/workflows/release.yml')) as Workflow;
    expect(release.on).toMatchObject({ push: { tags: ['v*'] } });
    const packaging = release.jobs.package!;
    expect(packaging.strategy!.matrix.os.map((os) => os.split('-')[0])).toEqual(['ubuntu', 'macos', 'windows']);
    expect(packaging.steps.find((s) => s.with?.['node-version'] !== undefined)?.with?.['node-version']).toBe(22);
    const script = packaging.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('npm test');
    // The installers come from the same command a developer runs: npm run dist.
    expect(script).toMatch(/^npm run dist$/m);
    expect(script).toContain('--config test/electron/vitest.config.ts');
  });
});

interface DistModule {
  distSteps(builderArgs?: string[], root?: string, node?: string): Array<[string, string[]]>;
  electronCacheDir(platform?: string, env?: Record<string, string | undefined>): string;
  electronZipName(version: string, platform?: string, arch?: string): string;
  electronZipUrl(version: string, zipName: string, env?: Record<string, string | undefined>): string;
  isCached(cacheDir: string, zipName: string): boolean;
}
// a path in a variable: the script is plain JavaScript with no types to check against
const loadDist = async () => (await import(pathToFileURL(join(ROOT, 'build/dist.mjs')).href)) as DistModule;
const electronVersion = () => (JSON.parse(read('node_modules/electron/package.json')) as { version: string }).version;

function runDist(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [join(ROOT, 'build/dist.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

describe('npm run dist', () => {
  it('is build/dist.mjs: electron-vite build, then electron-builder with the options given, never publishing', async () => {
    expect(JSON.parse(read('package.json')).scripts.dist).toBe('node build/dist.mjs');
    const { distSteps } = await loadDist();
    const steps = distSteps(['--linux', 'AppImage'], ROOT, 'node');
    expect(steps).toEqual([
      ['node', [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']],
      ['node', [join(ROOT, 'node_modules/electron-builder/cli.js'), '--publish', 'never', '--linux', 'AppImage']],
    ]);
    // the programs it runs are the installed ones
    for (const [, [script]] of steps) expect(existsSync(script!), script).toBe(true);
  });

  it('finds Electron in the download cache where @electron/get files it, and builds its URL from ELECTRON_MIRROR', async () => {
    const { electronCacheDir, electronZipName, electronZipUrl, isCached } = await loadDist();
    expect(electronCacheDir('linux', { ELECTRON_CACHE: '/c' })).toBe('/c');
    expect(electronCacheDir('linux', { XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'electron'));
    expect(electronCacheDir('win32', { LOCALAPPDATA: 'L' })).toBe(join('L', 'electron', 'Cache'));
    expect(electronCacheDir('darwin', {}).endsWith(join('Library', 'Caches', 'electron'))).toBe(true);
    const zip = electronZipName('33.1.0', 'linux', 'x64');
    expect(zip).toBe('electron-v33.1.0-linux-x64.zip');
    expect(electronZipUrl('33.1.0', zip, {})).toBe(`https://github.com/electron/electron/releases/download/v33.1.0/${zip}`);
    expect(electronZipUrl('33.1.0', zip, { ELECTRON_MIRROR: 'http://m/e' })).toBe(`http://m/e/v33.1.0/${zip}`);
    expect(electronZipUrl('33.1.0', zip, { ELECTRON_MIRROR: 'http://m/e/' })).toBe(`http://m/e/v33.1.0/${zip}`);
    const cache = mkdtempSync(join(tmpdir(), 'wb-electron-cache-'));
    try {
      expect(isCached(join(cache, 'absent'), zip)).toBe(false);
      expect(isCached(cache, zip)).toBe(false);
      mkdirSync(join(cache, 'hash'));
      writeFileSync(join(cache, 'hash', zip), '');
      expect(isCached(cache, zip)).toBe(true); // one folder down
      expect(isCached(cache, electronZipName('33.1.0', 'win32', 'x64'))).toBe(false);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('with Electron in the cache, goes on to build and package (dry run: the steps, nothing run)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'wb-electron-cache-'));
    try {
      writeFileSync(join(cache, `electron-v${electronVersion()}-${process.platform}-${process.arch}.zip`), '');
      const result = runDist({ ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/', WB_DIST_DRY_RUN: '1' }, ['--dir']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const steps = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as [string, string[]]);
      expect(steps.map(([, args]) => args.slice(1))).toEqual([['build'], ['--publish', 'never', '--dir']]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('stops with a clear message, before touching node_modules, where Electron cannot be downloaded', () => {
    const cache = mkdtempSync(join(tmpdir(), 'wb-electron-cache-'));
    const binding = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const before = statSync(binding).mtimeMs;
    try {
      // An empty download cache and a mirror nothing listens on: what an offline machine sees.
      const result = runDist({ ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/npm run dist: cannot package here\. electron-builder needs Electron \d+\.\d+\.\d+ \(electron-v[^)]+\.zip\)/);
      expect(result.stderr).toContain(cache);
      expect(result.stderr).toContain('http://127.0.0.1:9/v');
      expect(result.stderr).toMatch(/release\.yml/);
      expect(statSync(binding).mtimeMs).toBe(before);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
