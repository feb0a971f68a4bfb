import { z } from 'zod';
import { type HistorySourceParsed, type PostgresTlsMode, postgresTlsMode, postgresUrlProblem } from '../../../shared/contract/history';
import { loadJsonDataFile, saveJsonDataFile } from '../files/json-data-file';
import type { SecretCipher } from '../secrets/secret-cipher';

/** A team database as History opens it (createPostgresHistory's `source`): the password apart from the URL. */
export interface TeamDatabase {
  url: string;
  password?: string;
  tls?: { mode: PostgresTlsMode; ca?: string };
}

/**
 * Where History keeps messages, as `<dataDir>/history-source.json` holds it: the password only
 * encrypted with the workbench's secrets cipher (as profile passwords), base64.
 */
export type StoredHistorySource =
  | { kind: 'local' }
  | { kind: 'postgres'; url: string; tls: { mode: PostgresTlsMode; ca?: string }; passwordCiphertext?: string };

const storedSource = z.object({
  version: z.literal(1),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('local') }),
    z.object({
      kind: z.literal('postgres'),
      url: z.string().refine((url) => postgresUrlProblem(url) === undefined, 'not a team database URL without a password'),
      tls: z.object({ mode: postgresTlsMode, ca: z.string().optional() }),
      passwordCiphertext: z.string().optional(),
    }),
  ]),
});

export const LOCAL_SOURCE: StoredHistorySource = { kind: 'local' };

/**
 * The source saved last run; this computer when there is none. A file that does not read as one is
 * set aside as `history-source.json.damaged` and History stays on this computer (never a guess at
 * a database).
 */
export function loadHistorySource(path: string): StoredHistorySource {
  return loadJsonDataFile(path, storedSource, { what: 'history source', fallbackMeans: 'History uses this computer', fallback: () => LOCAL_SOURCE }, (stored) => stored.source as StoredHistorySource);
}

/** Replaced whole through a temporary file (0600), so a crash never leaves half of it. */
export function saveHistorySource(path: string, source: StoredHistorySource): void {
  saveJsonDataFile(path, { version: 1, source });
}

/**
 * The stored form of a requested source: a password given is encrypted, one omitted keeps the
 * stored one (of the same database: a password never follows the user to another URL), '' drops
 * it; likewise the CA (null drops it).
 */
export function storedSourceFrom(input: HistorySourceParsed, current: StoredHistorySource, cipher: SecretCipher): StoredHistorySource {
  if (input.kind === 'local') return LOCAL_SOURCE;
  const previous = current.kind === 'postgres' && current.url === input.url ? current : undefined;
  const passwordCiphertext =
    input.password === undefined
      ? previous?.passwordCiphertext
      : input.password === ''
        ? undefined
        : Buffer.from(cipher.encrypt(new TextEncoder().encode(input.password))).toString('base64');
  const ca = input.tls.ca === undefined ? (current.kind === 'postgres' ? current.tls.ca : undefined) : (input.tls.ca ?? undefined);
  return {
    kind: 'postgres',
    url: input.url,
    tls: { mode: input.tls.mode, ...(ca ? { ca } : {}) },
    ...(passwordCiphertext ? { passwordCiphertext } : {}),
  };
}

/** What createPostgresHistory needs; throws when the stored password cannot be decrypted (the key changed). */
export function teamDatabaseOf(source: Extract<StoredHistorySource, { kind: 'postgres' }>, cipher: SecretCipher): TeamDatabase {
  let password: string | undefined;
  if (source.passwordCiphertext) {
    try {
      password = new TextDecoder().decode(cipher.decrypt(Buffer.from(source.passwordCiphertext, 'base64')));
    } catch {
      throw new Error('The stored password of the team database cannot be decrypted (the secrets key changed?): enter it again');
    }
  }
  return { url: source.url, ...(password !== undefined ? { password } : {}), tls: { mode: source.tls.mode, ...(source.tls.ca ? { ca: source.tls.ca } : {}) } };
}

/** The same database and settings (then a switch keeps the open store). */
export function sameSource(a: StoredHistorySource, b: StoredHistorySource): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
