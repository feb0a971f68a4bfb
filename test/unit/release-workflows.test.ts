import { readFileSync } from 'node:fs';
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
    expect(script).toContain('electron-builder --publish never');
    expect(script).toContain('--config test/electron/vitest.config.ts');
  });
});
