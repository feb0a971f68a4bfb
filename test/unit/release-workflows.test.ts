import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { steps: { run?: string; with?: Record<string, unknown> }[] }> };

describe('CI workflows stay consistent with .ci/run', () => {
  it('runs .ci/run on every push, the entry our own CI runs', () => {
    const ci = load(read('.github/workflows/ci.yml')) as Workflow;
    expect(Object.keys(ci.on)).toContain('push');
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
    expect(runs).toContain('bash .ci/run');
    expect(read('.ci/run')).toMatch(/npm ci[^\n]*\n[\s\S]*npm test/);
  });

  it('releases on version tags on Node 22: the whole suite on Linux x64, the Node suites elsewhere, and the packaged app', () => {
    const release = load(read('.github/workflows/release.yml')) as Workflow;
    expect(release.on).toMatchObject({ push: { tags: ['v*'] } });
    const packaging = release.jobs.package!;
    expect(packaging.steps.find((s) => s.with?.['node-version'] !== undefined)?.with?.['node-version']).toBe(22);
    const script = packaging.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('npm test');
    expect(matrix().filter((entry) => entry.tests === 'full').map((entry) => entry.name)).toEqual(['linux-x64']);
    // Chromium (the end-to-end tests) only where the whole suite runs: Chrome for Testing has no Linux arm64 build.
    expect(packageSteps().find((s) => s.uses?.startsWith('browser-actions/setup-chrome'))?.if).toBe("matrix.tests == 'full'");
    // The installers come from the same command a developer runs: npm run dist.
    expect(script).toMatch(/^\s*npm run dist -- /m);
    expect(script).toContain('--config test/electron/vitest.config.ts');
  });
});

type Step = { name?: string; if?: string; run?: string; shell?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> };
interface MatrixEntry {
  name: string;
  os: string;
  platform: 'linux' | 'mac' | 'win';
  arch: string[];
  run: string;
  tests: 'full' | 'node';
}
const releaseWorkflow = () =>
  load(read('.github/workflows/release.yml')) as {
    jobs: Record<string, { 'runs-on': string; env?: Record<string, string>; steps: Step[]; strategy?: { matrix: { include: MatrixEntry[] } } }>;
  };
const matrix = () => releaseWorkflow().jobs.package!.strategy!.matrix.include;
const packageSteps = () => releaseWorkflow().jobs.package!.steps;
const stepNamed = (name: RegExp) => {
  const step = packageSteps().find((s) => name.test(s.name ?? ''));
  if (!step) throw new Error(`no step named ${name}`);
  return step;
};

describe('release.yml builds every target on a runner of its OS and arch', () => {
  it('covers macOS arm64 and x64, Windows x64 and arm64, Linux x64 and arm64', () => {
    const built = matrix().flatMap((entry) => entry.arch.map((arch) => `${entry.platform}-${arch}`));
    expect(built.sort()).toEqual(['linux-arm64', 'linux-x64', 'mac-arm64', 'mac-x64', 'win-arm64', 'win-x64']);
  });

  it('runs each job on a runner of its OS, natively for each arch but the Windows arm64 cross-build', () => {
    const osPrefix = { linux: 'ubuntu-', mac: 'macos-', win: 'windows-' };
    for (const entry of matrix()) {
      expect(entry.os.startsWith(osPrefix[entry.platform]), entry.name).toBe(true);
      // the arch the packaged-app test starts is one this runner can run, and one the job packaged
      expect(entry.arch, entry.name).toContain(entry.run);
    }
    const runner = (name: string) => matrix().find((entry) => entry.name === name)!.os;
    expect(runner('linux-arm64')).toMatch(/-arm$/); // GitHub's arm64 Linux runners
    expect(runner('mac-arm64')).toBe('macos-14'); // Apple silicon
    expect(runner('mac-x64')).toMatch(/intel/); // the Intel macOS image
    expect(matrix().find((entry) => entry.platform === 'win')!.arch).toEqual(['x64', 'arm64']); // one installer holding both
  });

  it('packages each job\'s platform and arches with npm run dist, for this repository\'s releases', () => {
    const installers = stepNamed(/^Installers$/);
    expect(installers.run).toContain("npm run dist -- --${{ matrix.platform }} --${{ join(matrix.arch, ' --') }}");
    expect(installers.run).toContain('-c.publish.owner=${{ github.repository_owner }} -c.publish.repo=${{ github.event.repository.name }}');
    // What the expressions make for each job is what electron-builder's CLI takes.
    for (const entry of matrix()) {
      const args = `--${entry.platform} --${entry.arch.join(' --')}`.split(' ');
      expect(args.every((arg) => ['--linux', '--mac', '--win', '--x64', '--arm64'].includes(arg)), entry.name).toBe(true);
    }
  });

  it('checks the native module of every packaged app is for its arch, right after packaging', () => {
    const names = packageSteps().map((s) => s.name);
    const check = stepNamed(/^Native module arch$/);
    expect(check.run).toBe('node build/native-arch.mjs dist');
    expect(names.indexOf(check.name)).toBe(names.indexOf('Installers') + 1);
  });

  it('uploads what electron-updater reads (latest*.yml, blockmaps) with every installer kind', () => {
    const upload = packageSteps().find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    const paths = String(upload.with!.path).split('\n').map((line) => line.trim()).filter(Boolean);
    for (const pattern of ['dist/latest*.yml', 'dist/*.blockmap', 'dist/*.AppImage', 'dist/*.deb', 'dist/*.rpm', 'dist/*.dmg', 'dist/*.zip', 'dist/*.exe']) {
      expect(paths).toContain(pattern);
    }
    const release = releaseWorkflow().jobs.release!;
    const runs = release.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('node build/merge-update-info.mjs release jobs/installers-*');
    expect(release.steps.find((s) => s.uses?.startsWith('softprops/action-gh-release'))?.with?.files).toBe('release/*');
  });
});

describe('release.yml signs and notarises only with the secrets, and says so either way', () => {
  it('has a step for each case, each conditional on whether the secret exists', () => {
    const job = releaseWorkflow().jobs.package!;
    expect(job.env).toEqual({
      HAS_MAC_CERT: "${{ secrets.CSC_LINK != '' }}",
      HAS_WIN_CERT: "${{ secrets.WIN_CSC_LINK != '' }}",
      HAS_NOTARY: "${{ secrets.APPLE_ID != '' && secrets.APPLE_APP_SPECIFIC_PASSWORD != '' && secrets.APPLE_TEAM_ID != '' }}",
    });
    const pairs: [RegExp, RegExp, string][] = [
      [/^Signing \(macOS/, /^Signing skipped \(macOS/, 'HAS_MAC_CERT'],
      [/^Notarisation \(macOS/, /^Notarisation skipped \(macOS/, 'HAS_NOTARY'],
      [/^Signing \(Windows/, /^Signing skipped \(Windows/, 'HAS_WIN_CERT'],
    ];
    for (const [on, off, flag] of pairs) {
      expect(stepNamed(on).if).toContain(`env.${flag} == 'true'`);
      expect(stepNamed(off).if).toContain(`env.${flag} != 'true'`);
      // the skip is a warning annotation, visible on the run's summary
      expect(stepNamed(off).run).toMatch(/^echo "::warning title=(Signing|Notarisation) skipped::/);
    }
    expect(stepNamed(/^Verify signature \(macOS\)$/).if).toContain("env.HAS_MAC_CERT == 'true'");
    expect(stepNamed(/^Verify signature \(Windows\)$/).if).toContain("env.HAS_WIN_CERT == 'true'");
  });

  it('hands the secrets to the packaging step alone, each OS its own certificate', () => {
    for (const step of packageSteps()) {
      const text = JSON.stringify(step);
      if (step.name === 'Installers') continue;
      expect(text, step.name).not.toContain('secrets.');
    }
    const installers = stepNamed(/^Installers$/);
    expect(Object.values(installers.env ?? {}).every((value) => /^\$\{\{ secrets\.[A-Z_]+ \}\}$/.test(value))).toBe(true);
    expect(installers.run).toContain('macOS) export CSC_LINK="$MAC_CSC_LINK"');
    expect(installers.run).toContain('Windows) export CSC_LINK="$WIN_CSC_LINK"');
    // No certificate: electron-builder must not go looking for one in the keychain.
    expect(installers.run).toContain('export CSC_IDENTITY_AUTO_DISCOVERY=false');
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

describe('npm run dist for another arch', () => {
  it('checks for the Electron of each arch and platform it packages', async () => {
    const { targetArchs, targetPlatform } = (await loadDist()) as DistModule & {
      targetArchs(args: string[], arch?: string): string[];
      targetPlatform(args: string[], platform?: string): string;
    };
    expect(targetArchs(['--win', '--x64', '--arm64'], 'x64')).toEqual(['x64', 'arm64']);
    expect(targetArchs(['--mac'], 'arm64')).toEqual(['arm64']);
    expect(targetPlatform(['--win', '--x64'], 'linux')).toBe('win32');
    expect(targetPlatform(['--dir'], 'linux')).toBe('linux');
    // An arm64 package wants the arm64 zip: with only this machine's in the cache, it stops.
    const cache = mkdtempSync(join(tmpdir(), 'wb-electron-cache-'));
    try {
      writeFileSync(join(cache, `electron-v${electronVersion()}-${process.platform}-${process.arch}.zip`), '');
      const other = process.arch === 'arm64' ? 'x64' : 'arm64';
      const result = runDist({ ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'http://127.0.0.1:9/', WB_DIST_DRY_RUN: '1' }, [`--${other}`]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`electron-v${electronVersion()}-${process.platform}-${other}.zip`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

interface NativeArchModule {
  binaryArchs(bytes: Uint8Array): string[];
  archOfOutputFolder(name: string): string | undefined;
  checkDist(dir: string): { folder: string; expected: string; found: string[]; ok: boolean }[];
}
const loadNativeArch = async () => (await import(pathToFileURL(join(ROOT, 'build/native-arch.mjs')).href)) as NativeArchModule;
const BINDING = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

describe('build/native-arch.mjs: the packaged better-sqlite3 binding is for the app\'s arch', () => {
  it('reads the arch from the installed binding\'s own header', async () => {
    const { binaryArchs } = await loadNativeArch();
    expect(binaryArchs(readFileSync(BINDING))).toEqual([process.arch]);
  });

  it('reads Mach-O (thin and universal) and PE headers', async () => {
    const { binaryArchs } = await loadNativeArch();
    // The first bytes of each format as the linkers write them.
    const macho = (cpu: number) => Buffer.from([0xcf, 0xfa, 0xed, 0xfe, cpu & 0xff, 0, 0, 0x01]);
    expect(binaryArchs(macho(0x0c))).toEqual(['arm64']);
    expect(binaryArchs(macho(0x07))).toEqual(['x64']);
    const fat = Buffer.alloc(8 + 2 * 20);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    expect(binaryArchs(fat)).toEqual(['x64', 'arm64']);
    const pe = (machine: number) => {
      const bytes = Buffer.alloc(0x80 + 6);
      bytes.write('MZ', 0, 'latin1');
      bytes.writeUInt32LE(0x80, 0x3c);
      bytes.write('PE\0\0', 0x80, 'latin1');
      bytes.writeUInt16LE(machine, 0x84);
      return bytes;
    };
    expect(binaryArchs(pe(0x8664))).toEqual(['x64']);
    expect(binaryArchs(pe(0xaa64))).toEqual(['arm64']);
    expect(binaryArchs(Buffer.from('not a binary'))).toEqual(['unknown']);
  });

  it('knows which arch electron-builder packaged into each output folder', async () => {
    const { archOfOutputFolder } = await loadNativeArch();
    expect(archOfOutputFolder('linux-unpacked')).toBe('x64');
    expect(archOfOutputFolder('linux-arm64-unpacked')).toBe('arm64');
    expect(archOfOutputFolder('win-unpacked')).toBe('x64');
    expect(archOfOutputFolder('win-arm64-unpacked')).toBe('arm64');
    expect(archOfOutputFolder('mac')).toBe('x64');
    expect(archOfOutputFolder('mac-arm64')).toBe('arm64');
    expect(archOfOutputFolder('mac-universal')).toBe('universal');
    expect(archOfOutputFolder('.icon-ico')).toBeUndefined();
  });

  it('passes a binding of the right arch and fails one of the wrong arch, or none at all', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'wb-dist-'));
    const place = (folder: string) => {
      const dir = join(dist, folder, 'resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'better_sqlite3.node'), readFileSync(BINDING));
    };
    const run = () => spawnSync(process.execPath, [join(ROOT, 'build/native-arch.mjs'), dist], { encoding: 'utf8' });
    try {
      const other = process.arch === 'arm64' ? 'x64' : 'arm64';
      expect(run().status).toBe(2); // nothing packaged
      place(process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`);
      const good = run();
      expect(good.stdout).toMatch(/^ok {3}linux-.*better_sqlite3\.node is /m);
      expect(good.status).toBe(0);
      place(other === 'x64' ? 'linux-unpacked' : `linux-${other}-unpacked`);
      const bad = run();
      expect(bad.stdout).toContain(`is ${process.arch}, expected ${other}`);
      expect(bad.status).toBe(1);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

interface MergeModule {
  gatherRelease(outDir: string, inDirs: string[]): { files: string[]; merged: string[] };
}
const loadMerge = async () => (await import(pathToFileURL(join(ROOT, 'build/merge-update-info.mjs')).href)) as MergeModule;

/** A latest-mac.yml as electron-builder writes it for one arch. */
function macUpdateInfo(arch: 'x64' | 'arm64', version = '1.2.0') {
  const zip = `mqtt-workbench-${version}-mac-${arch}.zip`;
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${zip}`,
    `    sha512: ${arch}zipsha==`,
    '    size: 100',
    '    blockMapSize: 10',
    `  - url: mqtt-workbench-${version}-mac-${arch}.dmg`,
    `    sha512: ${arch}dmgsha==`,
    '    size: 120',
    `path: ${zip}`,
    `sha512: ${arch}zipsha==`,
    `releaseDate: '2026-12-07T2${arch === 'x64' ? 1 : 2}:00:00.000Z'`,
    '',
  ].join('\n');
}

describe('build/merge-update-info.mjs: one latest-mac.yml for both Mac arches', () => {
  it('merges the two jobs\' latest-mac.yml so electron-updater picks each Mac\'s own zip', async () => {
    const { gatherRelease } = await loadMerge();
    const root = mkdtempSync(join(tmpdir(), 'wb-release-'));
    try {
      const jobs = { arm64: join(root, 'installers-mac-arm64'), x64: join(root, 'installers-mac-x64'), win: join(root, 'installers-win') };
      for (const dir of Object.values(jobs)) mkdirSync(dir);
      writeFileSync(join(jobs.arm64, 'latest-mac.yml'), macUpdateInfo('arm64'));
      writeFileSync(join(jobs.x64, 'latest-mac.yml'), macUpdateInfo('x64'));
      writeFileSync(join(jobs.arm64, 'mqtt-workbench-1.2.0-mac-arm64.zip'), 'arm');
      writeFileSync(join(jobs.x64, 'mqtt-workbench-1.2.0-mac-x64.zip'), 'intel');
      writeFileSync(join(jobs.win, 'latest.yml'), 'version: 1.2.0\nfiles: []\n');
      const out = join(root, 'release');
      const { files, merged } = gatherRelease(out, Object.values(jobs));
      expect(merged).toEqual(['latest-mac.yml']);
      expect(files).toEqual(['latest-mac.yml', 'latest.yml', 'mqtt-workbench-1.2.0-mac-arm64.zip', 'mqtt-workbench-1.2.0-mac-x64.zip']);

      // Read back the way electron-updater reads it, and choose files the way its MacUpdater does.
      const fromUpdater = createRequire(join(ROOT, 'node_modules/electron-updater/package.json'));
      const { parseUpdateInfo, resolveFiles } = fromUpdater('./out/providers/Provider.js') as {
        parseUpdateInfo(raw: string, channelFile: string, url: URL): { version: string; files: unknown[]; releaseDate: string };
        resolveFiles(info: unknown, base: URL): { url: URL }[];
      };
      const { MacUpdater } = fromUpdater('./out/MacUpdater.js') as { MacUpdater: { filterFilesForArch(files: { url: URL; info: { url: string } }[], arm64: boolean): { url: URL }[] } };
      const base = new URL('https://github.com/o/r/releases/download/v1.2.0/');
      const info = parseUpdateInfo(readFileSync(join(out, 'latest-mac.yml'), 'utf8'), 'latest-mac.yml', new URL('latest-mac.yml', base));
      expect(info.version).toBe('1.2.0');
      expect(info.releaseDate).toBe('2026-12-07T22:00:00.000Z');
      const resolved = resolveFiles(info, base) as { url: URL; info: { url: string } }[];
      const zipFor = (arm64: boolean) => MacUpdater.filterFilesForArch(resolved, arm64).map((file) => file.url.pathname.split('/').pop()).filter((name) => name!.endsWith('.zip'));
      expect(zipFor(true)).toEqual(['mqtt-workbench-1.2.0-mac-arm64.zip']);
      expect(zipFor(false)).toEqual(['mqtt-workbench-1.2.0-mac-x64.zip']);
      // The top-level path (electron-updater before 4.0) names the Intel zip.
      expect(readFileSync(join(out, 'latest-mac.yml'), 'utf8')).toMatch(/^path: mqtt-workbench-1\.2\.0-mac-x64\.zip$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses update infos of two versions, and two different files under one name', async () => {
    const { gatherRelease } = await loadMerge();
    const root = mkdtempSync(join(tmpdir(), 'wb-release-'));
    try {
      const [a, b] = [join(root, 'a'), join(root, 'b')];
      mkdirSync(a);
      mkdirSync(b);
      writeFileSync(join(a, 'latest-mac.yml'), macUpdateInfo('arm64', '1.2.0'));
      writeFileSync(join(b, 'latest-mac.yml'), macUpdateInfo('x64', '1.3.0'));
      expect(() => gatherRelease(join(root, 'out1'), [a, b])).toThrow(/different versions: 1\.2\.0 and 1\.3\.0/);
      writeFileSync(join(b, 'latest-mac.yml'), macUpdateInfo('x64', '1.2.0'));
      writeFileSync(join(a, 'notes.txt'), 'one');
      writeFileSync(join(b, 'notes.txt'), 'two');
      expect(() => gatherRelease(join(root, 'out2'), [a, b])).toThrow(/notes\.txt was made by two jobs with different contents/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
