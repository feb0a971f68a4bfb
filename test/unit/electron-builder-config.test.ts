// electron-builder.yml, checked against electron-builder's own schema (packaging itself cannot run
// here: it downloads Electron). Resolved from electron-builder's folder so the versions match.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const fromBuilder = createRequire(join(ROOT, 'node_modules/electron-builder/package.json'));
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));

type Config = Record<string, unknown>;
const { getConfig, validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('matches the electron-builder schema', async () => {
    const config = await getConfig(ROOT, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The validator does reject what is not in the schema (so the pass above means something).
    await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration/,
    );
  });

  it('packages the built app with the ids, targets and the native module unpacked', async () => {
    const config = await getConfig(ROOT, null, null);
    expect(config).toMatchObject({
      appId: 'io.mqttworkbench.app',
      productName: 'MQTT Workbench',
      directories: { output: 'dist', buildResources: 'build' },
      linux: { target: ['AppImage', 'deb', 'rpm'] },
      mac: { target: ['dmg', 'zip'] },
      win: { target: ['nsis'] },
    });
    expect(JSON.stringify(config.files)).toContain('out/**');
    // Electron's fuses (issue 8): no Node mode, no NODE_OPTIONS or inspector, asar integrity, asar only.
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(JSON.stringify(config.asarUnpack)).toMatch(/better-sqlite3.*\.node/);
  });
});

/** The YAML as written, before electron-builder fills anything in. */
const written = () => load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml against electron-builder\'s own JSON schema (app-builder-lib/scheme.json, ajv)', () => {
  const schema = JSON.parse(readFileSync(fromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('validates, and the schema does reject a wrong type or an unknown key', () => {
    expect(validate(written()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...written(), npmRebuild: 'yes' })).toBe(false);
    expect(validate({ ...written(), publish: { provider: 'github', notAnOption: 1 } })).toBe(false);
  });

  it('lists every installer kind of each OS, and no arch per target (the release matrix passes --x64/--arm64, which a per-target arch list would override)', () => {
    const config = written() as { linux: { target: unknown[] }; mac: { target: unknown[] }; win: { target: unknown[] } };
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.mac.target).toEqual(['dmg', 'zip']); // the zip is what the macOS updater downloads
    expect(config.win.target).toEqual(['nsis']);
    for (const target of [...config.linux.target, ...config.mac.target, ...config.win.target]) expect(typeof target).toBe('string');
  });

  it('rebuilds better-sqlite3 for each arch packaged and keeps its binding outside the asar', () => {
    const config = written();
    expect(config.npmRebuild).toBe(true);
    // prebuilt bindings for the target arch where published (what makes the Windows arm64 cross-build work)
    expect(config.buildDependenciesFromSource).toBe(false);
    const unpack = config.asarUnpack as string[];
    for (const path of ['node_modules/better-sqlite3/build/Release/better_sqlite3.node']) {
      expect(unpack.some((pattern) => minimatch(path, pattern, { dot: true })), path).toBe(true);
    }
    expect(unpack.some((pattern) => minimatch('node_modules/better-sqlite3/lib/index.js', pattern, { dot: true }))).toBe(false);
  });

  it('publishes to GitHub releases, naming files without spaces (GitHub renames them, and latest*.yml must match)', async () => {
    const config = await getConfig(ROOT, null, null);
    expect(config.publish).toMatchObject({ provider: 'github' });
    const names = [config.artifactName, (config.nsis as Config).artifactName] as string[];
    for (const name of names) expect(name).not.toMatch(/\s|\$\{productName\}/);
    // One Windows installer for both arches: electron-updater reads one file from latest.yml.
    expect((config.nsis as Config).artifactName).not.toContain('${arch}');
    expect(config.artifactName).toContain('${arch}');
  });
});
