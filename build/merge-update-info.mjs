#!/usr/bin/env node
/**
 * `node build/merge-update-info.mjs OUT_DIR IN_DIR...`: gathers what the release workflow's
 * packaging jobs made (one IN_DIR per job) into the one folder the GitHub release is made from.
 *
 * electron-updater reads one update file per platform from the release: latest.yml (Windows),
 * latest-mac.yml, latest-linux.yml (x64) and latest-linux-arm64.yml. macOS arm64 and x64 are
 * packaged on two runners, so each writes a latest-mac.yml naming only its own zip and dmg; the
 * two are merged here into one whose `files` lists both (electron-updater's MacUpdater picks the
 * arm64 files on Apple silicon and the others on Intel). Any other file that two jobs made must be
 * identical, or this stops: two different files under one name would overwrite each other.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';

export const UPDATE_INFO = /^latest(-[a-z0-9-]+)?\.yml$/;

/** One update info from several: every file of each, the version checked to be the same. */
export function mergeUpdateInfo(infos) {
  const [first, ...rest] = infos;
  for (const info of rest) {
    if (info.version !== first.version) throw new Error(`update infos of different versions: ${first.version} and ${info.version}`);
  }
  const files = [];
  for (const info of infos) {
    for (const file of info.files ?? []) if (!files.some((seen) => seen.url === file.url)) files.push(file);
  }
  // `path` and `sha512` at the top are for electron-updater before 4.0; they name the x64 zip
  // where there is one (an old updater could not tell an arm64 file apart).
  const legacy = infos.find((info) => !/arm64/.test(info.path ?? '')) ?? first;
  const releaseDate = infos.map((info) => info.releaseDate).filter(Boolean).sort().at(-1);
  return { ...first, files, path: legacy.path, sha512: legacy.sha512, ...(releaseDate ? { releaseDate } : {}) };
}

/** Copies every file of the job folders into outDir, merging same-named update infos. */
export function gatherRelease(outDir, inDirs) {
  mkdirSync(outDir, { recursive: true });
  const byName = new Map();
  for (const dir of inDirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      byName.set(entry.name, [...(byName.get(entry.name) ?? []), join(dir, entry.name)]);
    }
  }
  const merged = [];
  for (const [name, paths] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (paths.length > 1 && UPDATE_INFO.test(name)) {
      const info = mergeUpdateInfo(paths.map((path) => load(readFileSync(path, 'utf8'))));
      writeFileSync(join(outDir, name), dump(info, { lineWidth: -1 }));
      merged.push(name);
      continue;
    }
    const [path, ...others] = paths;
    const bytes = readFileSync(path);
    for (const other of others) {
      if (!bytes.equals(readFileSync(other))) throw new Error(`${name} was made by two jobs with different contents (${path}, ${other})`);
    }
    copyFileSync(path, join(outDir, name));
  }
  return { files: [...byName.keys()].sort(), merged };
}

function main() {
  const [outDir, ...inDirs] = process.argv.slice(2);
  if (!outDir || inDirs.length === 0) {
    console.error('usage: node build/merge-update-info.mjs OUT_DIR IN_DIR...');
    process.exit(2);
  }
  for (const dir of inDirs) if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
  const { files, merged } = gatherRelease(outDir, inDirs);
  for (const name of merged) console.log(`merged ${name} from ${inDirs.length} jobs`);
  console.log(`${files.length} files in ${outDir}: ${files.join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
