import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finds the Electron executable without `require('electron')` (which would try to download it).
 * Order: ELECTRON_PATH (an executable), ELECTRON_OVERRIDE_DIST_PATH (a dist folder, as the
 * electron package itself honours), then node_modules/electron/dist as its installer leaves it.
 * Throws a message that says exactly what to do when none is there.
 */
export function findElectronBinary(root: string): string {
  const packageDir = join(root, 'node_modules', 'electron');
  const explicit = process.env.ELECTRON_PATH;
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new Error(`ELECTRON_PATH is set to ${explicit}, but no file is there.`);
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : defaultExecutable();
  const overrideDist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = overrideDist ? join(overrideDist, relative) : join(packageDir, 'dist', relative);
  if (existsSync(candidate)) return candidate;

  let version = 'the version in package-lock.json';
  try {
    version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // keep the generic wording
  }
  throw new Error(
    [
      `No Electron binary: looked for ${candidate}.`,
      `This test drives the real desktop app, so it needs Electron ${version}'s executable, which npm does not`,
      'install until first use and which cannot be downloaded on an offline machine. Either run it where the',
      'binary can be fetched (`npx install-electron`, or delete node_modules/electron and `npm ci`), or point',
      'ELECTRON_PATH at an Electron executable of the same major version. This test never passes without it.',
    ].join('\n'),
  );
}

function defaultExecutable(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}
