import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('npm run dist', () => {
  it('runs electron-vite build and then electron-builder without publishing', () => {
    expect(JSON.parse(read('package.json')).scripts.dist).toBe('node build/dist.mjs');
    const dist = read('build/dist.mjs');
    expect(dist).toMatch(/electron-vite\.js'\), 'build'\]/);
    expect(dist).toContain("[builder, '--publish', 'never', ...process.argv.slice(2)]");
  });

  it('stops with a clear message, before touching node_modules, where Electron cannot be downloaded', () => {
    const cache = mkdtempSync(join(tmpdir(), 'wb-electron-cache-'));
    const binding = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const before = statSync(binding).mtimeMs;
    try {
      // An empty download cache and a mirror nothing listens on: what an offline machine sees.
      const result = spawnSync(process.execPath, [join(ROOT, 'build/dist.mjs')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/' },
        timeout: 30_000,
      });
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
