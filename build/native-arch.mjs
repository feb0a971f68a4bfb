#!/usr/bin/env node
/**
 * `node build/native-arch.mjs dist`: after packaging, checks that every unpacked app in dist/
 * carries a better-sqlite3 binding built for that app's architecture. electron-builder rebuilds
 * it per arch (npmRebuild); a binding for the wrong arch only fails when the packaged app first
 * opens History on a user's machine, so the release workflow checks it before publishing.
 *
 * The arch is read from the binary's own header (ELF e_machine, Mach-O cputype, PE machine),
 * with no tool that one of the three runner OSes lacks (`file`, `lipo`, `dumpbin`).
 * Exit 0 when every binding matches, 1 otherwise (each mismatch printed), 2 when none is found.
 */
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BINDING = 'better_sqlite3.node';

const ELF_MACHINES = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'armv7l' };
const MACHO_CPU_TYPES = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32' };

/** The architectures a native binary is built for (several for a macOS universal binary). */
export function binaryArchs(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0, false) === 0x7f454c46) {
    const littleEndian = bytes[5] === 1;
    return [ELF_MACHINES[view.getUint16(18, littleEndian)] ?? 'unknown'];
  }
  if (bytes.length >= 8 && view.getUint32(0, true) === 0xfeedfacf) return [MACHO_CPU_TYPES[view.getUint32(4, true)] ?? 'unknown'];
  if (bytes.length >= 8 && view.getUint32(0, false) === 0xcafebabe) {
    const count = view.getUint32(4, false);
    const archs = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= bytes.length; i++) archs.push(MACHO_CPU_TYPES[view.getUint32(8 + i * 20, false)] ?? 'unknown');
    return archs;
  }
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const peOffset = view.getUint32(0x3c, true);
    if (peOffset + 6 <= bytes.length && view.getUint32(peOffset, false) === 0x50450000) return [PE_MACHINES[view.getUint16(peOffset + 4, true)] ?? 'unknown'];
  }
  return ['unknown'];
}

function readHead(path, length = 4096) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * The arch electron-builder packaged into an output folder, from its name: linux-unpacked,
 * linux-arm64-unpacked, win-unpacked, win-arm64-unpacked, mac, mac-arm64 (x64 has no suffix).
 */
export function archOfOutputFolder(name) {
  const match = /^(linux|win|mac)(?:-(arm64|ia32|armv7l|universal|x64))?(?:-unpacked)?$/.exec(name);
  if (!match) return undefined;
  return match[2] ?? 'x64';
}

function findBindings(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findBindings(path, out);
    else if (entry.name === BINDING) out.push(path);
  }
  return out;
}

/** Every binding under each packaged app in `distDir`, with the arch expected and found. */
export function checkDist(distDir) {
  const results = [];
  for (const entry of readdirSync(distDir, { withFileTypes: true })) {
    const expected = entry.isDirectory() ? archOfOutputFolder(entry.name) : undefined;
    if (!expected) continue;
    for (const path of findBindings(join(distDir, entry.name))) {
      const found = binaryArchs(readHead(path));
      // A universal app's binding holds both slices.
      const ok = expected === 'universal' ? found.includes('x64') && found.includes('arm64') : found.length === 1 && found[0] === expected;
      results.push({ folder: entry.name, path: relative(distDir, path), expected, found, ok });
    }
  }
  return results;
}

function main() {
  const distDir = process.argv[2] ?? 'dist';
  if (!existsSync(distDir) || !statSync(distDir).isDirectory()) {
    console.error(`native-arch: ${distDir} is not a folder`);
    process.exit(2);
  }
  const results = checkDist(distDir);
  if (results.length === 0) {
    console.error(`native-arch: no ${BINDING} in any packaged app under ${distDir} (is better-sqlite3 asar-unpacked?)`);
    process.exit(2);
  }
  for (const r of results) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.folder}: ${basename(r.path)} is ${r.found.join('+')}, expected ${r.expected} (${r.path})`);
  }
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
