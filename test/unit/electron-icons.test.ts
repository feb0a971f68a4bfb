// The installers' icons: made from build/icon.svg by build/make-icons.mjs and committed. Checks
// each file really is what its platform reads (PNG sizes; the ICO and ICNS containers parsed
// entry by entry) and that electron-builder.yml points at them.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = join(ROOT, 'build');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws if it is not a PNG. */
function pngSize(data: Buffer): { width: number; height: number } {
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  // Colour type 6 (RGBA): the icons have transparent corners.
  expect(data[25]).toBe(6);
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function parseIco(data: Buffer): { size: number; png: Buffer }[] {
  expect(data.readUInt16LE(0)).toBe(0);
  expect(data.readUInt16LE(2)).toBe(1);
  const count = data.readUInt16LE(4);
  return Array.from({ length: count }, (_, index) => {
    const entry = 6 + 16 * index;
    const width = data[entry] || 256;
    expect(data[entry + 1] || 256, 'square').toBe(width);
    const length = data.readUInt32LE(entry + 8);
    const offset = data.readUInt32LE(entry + 12);
    expect(offset + length).toBeLessThanOrEqual(data.length);
    return { size: width, png: data.subarray(offset, offset + length) };
  });
}

function parseIcns(data: Buffer): { type: string; png: Buffer }[] {
  expect(data.toString('latin1', 0, 4)).toBe('icns');
  expect(data.readUInt32BE(4)).toBe(data.length);
  const entries: { type: string; png: Buffer }[] = [];
  for (let offset = 8; offset < data.length; ) {
    const length = data.readUInt32BE(offset + 4);
    expect(length).toBeGreaterThan(8);
    entries.push({ type: data.toString('latin1', offset, offset + 4), png: data.subarray(offset + 8, offset + length) });
    offset += length;
  }
  return entries;
}

describe('icons made from build/icon.svg', () => {
  it('keeps the source image beside the script that makes the rest', () => {
    expect(readFileSync(join(BUILD, 'icon.svg'), 'utf8')).toMatch(/<svg[^>]*viewBox="0 0 1024 1024"/);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.icons).toBe('node build/make-icons.mjs');
  });

  it('has a 1024 px PNG and the Linux sizes 16..512', () => {
    expect(pngSize(readFileSync(join(BUILD, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(readFileSync(join(BUILD, 'icons', `${size}x${size}.png`))), `${size}x${size}.png`).toEqual({ width: size, height: size });
    }
  });

  it('has a Windows ICO with every size from 16 to 256, each a PNG of its stated size', () => {
    const entries = parseIco(readFileSync(join(BUILD, 'icon.ico')));
    expect(entries.map((entry) => entry.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const { size, png } of entries) expect(pngSize(png), `${size}`).toEqual({ width: size, height: size });
  });

  it('has a macOS ICNS with the 16..1024 and @2x entries, each a PNG of its type size', () => {
    const sizes: Record<string, number> = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
    const entries = parseIcns(readFileSync(join(BUILD, 'icon.icns')));
    expect(entries.map((entry) => entry.type).sort()).toEqual(Object.keys(sizes).sort());
    for (const { type, png } of entries) expect(pngSize(png), type).toEqual({ width: sizes[type], height: sizes[type] });
  });

  it('is what electron-builder.yml packages for each platform', async () => {
    const fromBuilder = createRequire(join(ROOT, 'node_modules/electron-builder/package.json'));
    const { getConfig } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, { icon?: string }>>;
    };
    const config = await getConfig(ROOT, null, null);
    expect(config.mac?.icon).toBe('build/icon.icns');
    expect(config.win?.icon).toBe('build/icon.ico');
    expect(config.linux?.icon).toBe('build/icons');
    for (const platform of ['mac', 'win', 'linux']) expect(statSync(join(ROOT, config[platform]!.icon!)).size, platform).toBeGreaterThan(0);
  });
});
