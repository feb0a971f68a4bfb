import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the token file in the data folder. Never under the renderer folder, so never served. */
export const HOST_TOKEN_FILE = 'host-token';
const TOKEN_BYTES = 24;
/** What a token written by this module looks like (base64url of 24 random bytes); anything else is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

export function newHostToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The browser-mode token of one data folder (issue 14): kept in `<dataDir>/host-token` (0600) so the
 * address a user bookmarked works across restarts. Created when missing or unreadable; `rotate`
 * (`--new-token`) writes a fresh one, after which every earlier address is refused.
 */
export function loadHostToken(dataDir: string, { rotate = false }: { rotate?: boolean } = {}): string {
  const path = join(dataDir, HOST_TOKEN_FILE);
  if (!rotate) {
    try {
      const existing = readFileSync(path, 'utf8').trim();
      if (TOKEN_SHAPE.test(existing)) {
        // Tightened if someone loosened it: the token is as good as the user's password to the UI.
        if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
        return existing;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = newHostToken();
  // Written aside and renamed: a crash mid-write never leaves a half token behind.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(temporary, 0o600); // `mode` applies only when the file is created
  renameSync(temporary, path);
  return token;
}
