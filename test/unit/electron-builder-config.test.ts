// electron-builder.yml, checked against electron-builder's own schema (packaging itself cannot run
// here: it downloads Electron). Resolved from electron-builder's folder so the versions match.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
      linux: { target: ['AppImage', 'deb'] },
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
