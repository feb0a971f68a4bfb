#!/usr/bin/env node
/**
 * Makes every icon electron-builder needs from build/icon.svg (`npm run icons`):
 *   build/icon.png         1024 px (the source of record for stores and docs)
 *   build/icons/NxN.png    Linux, 16..512 (electron-builder reads the folder)
 *   build/icon.ico         Windows, PNG entries 16..256
 *   build/icon.icns        macOS, PNG entries 16..1024 (with the @2x types)
 * The SVG is rasterised at each size by Debian's Chromium through playwright-core, so small sizes
 * are drawn from the vectors rather than scaled down, and nothing native is downloaded. The ICO
 * and ICNS containers are written here: both are a directory of PNG images.
 * The outputs are committed; run this only after changing the SVG.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BUILD = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types holding PNG data, with their pixel size (the ic11..ic14 ones are the @2x variants). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

/** ICO: a 6-byte header, a 16-byte directory entry per image, then the PNGs. 256 is written as 0. */
export function writeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map(({ png }) => png)]);
}

/** ICNS: 'icns' and the total length (big-endian), then per image its type, length (with the 8-byte head) and data. */
export function writeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

async function rasterise(svg, sizes) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const pngs = new Map();
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<!doctype html><style>html,body{margin:0;background:transparent}img{display:block}</style><img width="${size}" height="${size}" src="${source}">`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      pngs.set(size, await page.screenshot({ type: 'png', omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

async function main() {
  const svg = readFileSync(join(BUILD, 'icon.svg'), 'utf8');
  const sizes = [...new Set([1024, ...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])].sort((a, b) => a - b);
  const pngs = await rasterise(svg, sizes);
  const png = (size) => pngs.get(size);

  writeFileSync(join(BUILD, 'icon.png'), png(1024));
  mkdirSync(join(BUILD, 'icons'), { recursive: true });
  for (const size of LINUX_SIZES) writeFileSync(join(BUILD, 'icons', `${size}x${size}.png`), png(size));
  writeFileSync(join(BUILD, 'icon.ico'), writeIco(ICO_SIZES.map((size) => ({ size, png: png(size) }))));
  writeFileSync(join(BUILD, 'icon.icns'), writeIcns(ICNS_TYPES.map(([type, size]) => ({ type, png: png(size) }))));
  console.log(`Icons written to ${BUILD}: icon.png, icons/{${LINUX_SIZES.join(',')}}, icon.ico, icon.icns`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
