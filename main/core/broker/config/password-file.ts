import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './config-error';

/**
 * mosquitto_passwd files: one `user:hash` a line. Two hash forms, both with a base64 salt and a
 * base64 SHA-512-sized hash:
 * - `$6$salt$hash`: SHA-512 of the password followed by the salt bytes (mosquitto 1.x, `-H sha512`);
 * - `$7$iterations$salt$hash`: PBKDF2-HMAC-SHA512 (mosquitto 2 default, `-H sha512-pbkdf2`).
 * Verified with node:crypto, in constant time.
 */
export interface PasswordHash {
  kind: 6 | 7;
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/** More would make every CONNECT a denial of service; mosquitto_passwd writes 101 by default. */
const MAX_ITERATIONS = 10_000_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parsePasswordHash(text: string): PasswordHash | string {
  const parts = text.split('$');
  // "", "6", salt, hash  |  "", "7", iterations, salt, hash
  if (parts[0] !== '' || (parts[1] !== '6' && parts[1] !== '7')) return 'the hash must start with $6$ or $7$ (made by mosquitto_passwd; plain text passwords are not accepted)';
  const kind = parts[1] === '6' ? 6 : 7;
  if (parts.length !== (kind === 6 ? 4 : 5)) return `a $${kind}$ hash has ${kind === 6 ? '$6$salt$hash' : '$7$iterations$salt$hash'}`;
  let iterations = 1;
  if (kind === 7) {
    iterations = Number(parts[2]);
    if (!/^\d+$/.test(parts[2]!) || iterations < 1 || iterations > MAX_ITERATIONS) return `iterations must be a whole number from 1 to ${MAX_ITERATIONS}`;
  }
  const [saltText, hashText] = parts.slice(-2) as [string, string];
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return 'salt and hash must be base64';
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (hash.length !== 64) return `the hash must be 64 bytes (SHA-512), not ${hash.length}`;
  return { kind, iterations, salt, hash };
}

export function passwordMatches(entry: PasswordHash, password: Buffer): boolean {
  const computed =
    entry.kind === 6
      ? createHash('sha512').update(password).update(entry.salt).digest()
      : pbkdf2Sync(password, entry.salt, entry.iterations, 64, 'sha512');
  return timingSafeEqual(computed, entry.hash);
}

/** Parses a password file's text; `file` names it in errors (with the line). */
export function parsePasswordFile(text: string, file: string): Map<string, PasswordHash> {
  const users = new Map<string, PasswordHash>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ConfigError(file, i + 1, undefined, 'expected user:hash');
    const username = line.slice(0, colon);
    const parsed = parsePasswordHash(line.slice(colon + 1));
    if (typeof parsed === 'string') throw new ConfigError(file, i + 1, username, parsed);
    if (users.has(username)) throw new ConfigError(file, i + 1, username, 'this user is listed twice');
    users.set(username, parsed);
  }
  return users;
}

/**
 * Checks a user name and password against the file's users. An unknown user costs the same work
 * as a known one (a decoy hash), so timing does not tell which names exist.
 */
export function passwordChecker(users: Map<string, PasswordHash>): (username: string, password: Buffer | undefined) => boolean {
  let decoy: PasswordHash | undefined;
  return (username, password) => {
    const entry = users.get(username);
    if (!entry) {
      decoy ??= { kind: 7, iterations: 101, salt: randomBytes(12), hash: randomBytes(64) };
      passwordMatches(decoy, password ?? Buffer.alloc(0));
      return false;
    }
    if (password === undefined) return false;
    return passwordMatches(entry, password);
  };
}
