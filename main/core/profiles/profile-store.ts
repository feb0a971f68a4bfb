import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  type CodecSettings,
  type ConnectionOptions,
  PROFILE_EXPORT_FORMAT,
  PROFILE_EXPORT_VERSION,
  type Profile,
  type PublicConnectionOptions,
  SECRET_FIELDS,
  type SavedSubscription,
  type SecretField,
  WorkbenchFailure,
  codecSettings,
  savedSubscription,
} from '../../../shared/contract';
import { openHistoryDatabase } from '../history/open-database';
import type { SecretCipher } from '../secrets/secret-cipher';
import { PROFILE_MIGRATIONS } from './migrations';
import { decodeStored, encodeStored } from './stored-options';
import { type ProfileBackups, createProfileBackups, restoreNewestProfileBackup } from './profile-backups';
import { HEADER_FIELD_PREFIX, type SecretHeaders, type SecretValues, mergeSecrets, splitSecrets } from './secret-fields';

export interface SaveProfileInput {
  id?: string;
  name: string;
  folder: string;
  color?: string;
  options: ConnectionOptions;
  clearSecrets?: SecretField[];
  /** Header names in options.wsHeaders kept as secrets besides the credential ones. */
  secretHeaders?: string[];
  /** Stored secret headers to remove. */
  clearHeaders?: string[];
  /** Replaces the saved subscriptions; omitted keeps them. */
  subscriptions?: SavedSubscription[];
  connectOnLaunch?: boolean;
  /** Replaces the codec rules and schemas; omitted keeps them. */
  codecs?: CodecSettings;
}

interface ProfileRow {
  id: string;
  name: string;
  folder: string;
  color: string | null;
  options: string;
  /** JSON array of SavedSubscription. */
  subscriptions: string;
  connect_on_launch: number;
  /** JSON of CodecSettings. */
  codecs: string;
  created_at: number;
  updated_at: number;
}

/** Saved subscriptions as stored; a row that does not parse (hand-edited) reads as none rather than failing the list. */
function parseSubscriptions(json: string): SavedSubscription[] {
  try {
    const parsed = z.array(savedSubscription).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

const NO_CODECS: CodecSettings = { rules: [], schemas: [] };

/** Codec settings as stored; a row that does not parse (hand-edited) reads as none rather than failing the list. */
function parseCodecs(json: string): CodecSettings {
  try {
    const parsed = codecSettings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : NO_CODECS;
  } catch {
    return NO_CODECS;
  }
}

// Options JSON in the profiles' own stored format (bytes such as a CA certificate kept whole).
const toJson = (options: PublicConnectionOptions) => encodeStored(options);
const fromJson = (json: string) => decodeStored(json) as PublicConnectionOptions;

export interface ProfileStore {
  list(): Profile[];
  get(id: string): Profile;
  save(input: SaveProfileInput): Profile;
  duplicate(id: string): Profile;
  delete(id: string): void;
  /** Options with secrets decrypted, for the engine only. */
  optionsForConnect(id: string): ConnectionOptions;
  /** A profile's codec settings alone (cheaper than get), or undefined when there is no such profile. */
  codecsOf(id: string): CodecSettings | undefined;
  exportJson(ids?: string[]): string;
  /** Set when a damaged database was moved aside at open, with the backup restored in its place (if any). */
  recovered: ProfilesRecovery | null;
  /** Takes the backup a recent change is waiting for; before close. */
  flushBackups(): Promise<void>;
  close(): void;
}

export interface ProfilesRecovery {
  reason: string;
  /** Where the damaged file now is. */
  movedTo: string;
  /** The backup put in its place, and when it was taken; null when there was no good backup. */
  restoredFrom: string | null;
  backupTakenAt: number | null;
  /** Profiles in the restored file. */
  profiles: number;
}

export interface ProfileStoreOptions {
  /** Where rolling backups go (profile-backups.ts); none without it. */
  backupsFolder?: string;
  backupDelayMs?: number;
  keepBackups?: number;
}

/**
 * Opens profiles.db, checking every page (it is small: quick_check takes milliseconds). A damaged
 * file is moved aside (openHistoryDatabase) and the newest good backup takes its place, instead of
 * an empty profile list that only stderr explains.
 */
function openProfiles(path: string, backupsFolder: string | undefined): { db: Database.Database; recovered: ProfilesRecovery | null } {
  const onDisk = path !== ':memory:';
  const opened = openHistoryDatabase(path, { migrations: PROFILE_MIGRATIONS, quickCheck: onDisk });
  if (!opened.recovered) return { db: opened.db, recovered: null };
  let db = opened.db;
  let restored = null;
  if (backupsFolder) {
    db.close();
    restored = restoreNewestProfileBackup(path, backupsFolder);
    db = openHistoryDatabase(path, { migrations: PROFILE_MIGRATIONS }).db;
  }
  const { n } = db.prepare('SELECT count(*) AS n FROM profiles').get() as { n: number };
  return {
    db,
    recovered: { ...opened.recovered, restoredFrom: restored?.path ?? null, backupTakenAt: restored?.takenAt ?? null, profiles: n },
  };
}

/** Saved connection profiles in SQLite (`:memory:` when there is no data folder). */
export function createProfileStore(path: string, cipher: SecretCipher, options: ProfileStoreOptions = {}): ProfileStore {
  const opened = openProfiles(path, options.backupsFolder);
  const db: Database.Database = opened.db;
  db.pragma('foreign_keys = ON');
  // A replaced or cleared secret (and a header moved out of the options JSON) leaves no bytes behind.
  db.pragma('secure_delete = ON');
  const backups: ProfileBackups | null = options.backupsFolder
    ? createProfileBackups(db, options.backupsFolder, {
        ...(options.keepBackups !== undefined ? { keep: options.keepBackups } : {}),
        ...(options.backupDelayMs !== undefined ? { delayMs: options.backupDelayMs } : {}),
      })
    : null;

  const statements = {
    all: db.prepare('SELECT * FROM profiles ORDER BY folder, name COLLATE NOCASE, id'),
    one: db.prepare('SELECT * FROM profiles WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO profiles (id, name, folder, color, options, subscriptions, connect_on_launch, codecs, created_at, updated_at) VALUES (@id, @name, @folder, @color, @options, @subscriptions, @connect_on_launch, @codecs, @created_at, @updated_at)',
    ),
    setSubscriptions: db.prepare('UPDATE profiles SET subscriptions = ? WHERE id = ?'),
    setConnectOnLaunch: db.prepare('UPDATE profiles SET connect_on_launch = ? WHERE id = ?'),
    setCodecs: db.prepare('UPDATE profiles SET codecs = ? WHERE id = ?'),
    codecsOf: db.prepare('SELECT codecs FROM profiles WHERE id = ?'),
    update: db.prepare('UPDATE profiles SET name = @name, folder = @folder, color = @color, options = @options, updated_at = @updated_at WHERE id = @id'),
    remove: db.prepare('DELETE FROM profiles WHERE id = ?'),
    secretsOf: db.prepare('SELECT field, ciphertext FROM profile_secrets WHERE profile_id = ?'),
    secretFieldsOf: db.prepare('SELECT field FROM profile_secrets WHERE profile_id = ?'),
    putSecret: db.prepare('INSERT OR REPLACE INTO profile_secrets (profile_id, field, ciphertext) VALUES (?, ?, ?)'),
    clearSecret: db.prepare('DELETE FROM profile_secrets WHERE profile_id = ? AND field = ?'),
    // Header names are case-insensitive (and ASCII, so SQLite's lower() is exact).
    clearHeader: db.prepare(`DELETE FROM profile_secrets WHERE profile_id = ? AND field LIKE '${HEADER_FIELD_PREFIX}%' AND lower(field) = lower(?)`),
  };

  function toProfile(row: ProfileRow): Profile {
    const stored = new Set((statements.secretFieldsOf.all(row.id) as { field: string }[]).map((r) => r.field));
    const secrets = Object.fromEntries(SECRET_FIELDS.map((f) => [f, stored.has(f)])) as Profile['secrets'];
    const storedHeaders = [...stored].filter((f) => f.startsWith(HEADER_FIELD_PREFIX)).map((f) => f.slice(HEADER_FIELD_PREFIX.length));
    const profile: Profile = {
      id: row.id,
      name: row.name,
      folder: row.folder,
      options: fromJson(row.options),
      secrets,
      storedHeaders: storedHeaders.sort(),
      subscriptions: parseSubscriptions(row.subscriptions),
      connectOnLaunch: row.connect_on_launch === 1,
      codecs: parseCodecs(row.codecs),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.color) profile.color = row.color;
    return profile;
  }

  function row(id: string): ProfileRow {
    const found = statements.one.get(id) as ProfileRow | undefined;
    if (!found) throw new WorkbenchFailure('NOT_FOUND', `No profile with id ${id}`, { reason: 'noProfile', id });
    return found;
  }

  function storeSecrets(id: string, secrets: SecretValues, headers: SecretHeaders): void {
    for (const [field, value] of Object.entries(secrets)) {
      if (value) statements.putSecret.run(id, field, Buffer.from(cipher.encrypt(value)));
    }
    for (const [name, value] of Object.entries(headers)) {
      statements.clearHeader.run(id, HEADER_FIELD_PREFIX + name);
      statements.putSecret.run(id, HEADER_FIELD_PREFIX + name, Buffer.from(cipher.encrypt(value)));
    }
  }

  function readSecrets(id: string): { secrets: SecretValues; headers: SecretHeaders } {
    const secrets: SecretValues = {};
    const headers: SecretHeaders = {};
    for (const { field, ciphertext } of statements.secretsOf.all(id) as { field: string; ciphertext: Buffer }[]) {
      let value: Uint8Array;
      try {
        value = cipher.decrypt(ciphertext);
      } catch {
        const what = field.startsWith(HEADER_FIELD_PREFIX) ? `${field.slice(HEADER_FIELD_PREFIX.length)} header` : field;
        throw new WorkbenchFailure(
          'SECRET_UNREADABLE',
          `The stored ${what} of this profile cannot be decrypted (the secrets key changed?). Enter it again and save.`,
          { reason: 'secretUnreadable', field: what },
        );
      }
      if (field.startsWith(HEADER_FIELD_PREFIX)) headers[field.slice(HEADER_FIELD_PREFIX.length)] = value;
      else secrets[field as SecretField] = value;
    }
    return { secrets, headers };
  }

  /**
   * Profiles saved before header values were secrets hold credential headers in their options JSON
   * in plain text: move them into the encrypted secrets once, and rewrite the file so the plain
   * text is gone from its pages too.
   */
  function moveLegacyHeaderSecrets(): void {
    let moved = 0;
    db.transaction(() => {
      for (const legacy of statements.all.all() as ProfileRow[]) {
        const options = fromJson(legacy.options);
        if (!options.wsHeaders) continue;
        const { publicOptions, headers } = splitSecrets(options as ConnectionOptions);
        if (Object.keys(headers).length === 0) continue;
        const { id, name, folder, color, updated_at } = legacy;
        statements.update.run({ id, name, folder, color, updated_at, options: toJson(publicOptions) });
        storeSecrets(legacy.id, {}, headers);
        moved++;
      }
    })();
    if (moved > 0) {
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
  try {
    moveLegacyHeaderSecrets();
  } catch (error) {
    // Never a reason not to start: the headers stay where they were and are moved at the next start.
    console.error('Could not move credential headers of older profiles into the encrypted secrets:', error);
  }

  const store: ProfileStore = {
    recovered: opened.recovered,
    list: () => (statements.all.all() as ProfileRow[]).map(toProfile),
    get: (id) => toProfile(row(id)),

    save(input) {
      // A header once kept secret stays so when typed again, unless the user cleared it.
      const cleared = new Set((input.clearHeaders ?? []).map((name) => name.toLowerCase()));
      const stillSecret = input.id ? store.get(input.id).storedHeaders.filter((name) => !cleared.has(name.toLowerCase())) : [];
      const { publicOptions, secrets, headers } = splitSecrets({ ...input.options, name: input.name }, [...(input.secretHeaders ?? []), ...stillSecret]);
      const now = Date.now();
      const id = input.id ?? randomBytes(8).toString('hex');
      const values = { id, name: input.name, folder: input.folder, color: input.color ?? null, options: toJson(publicOptions), updated_at: now };
      db.transaction(() => {
        if (input.id) {
          row(input.id); // NOT_FOUND for an unknown id
          statements.update.run(values);
          if (input.subscriptions) statements.setSubscriptions.run(JSON.stringify(input.subscriptions), id);
          if (input.connectOnLaunch !== undefined) statements.setConnectOnLaunch.run(input.connectOnLaunch ? 1 : 0, id);
          if (input.codecs) statements.setCodecs.run(JSON.stringify(input.codecs), id);
        } else {
          statements.insert.run({
            ...values,
            subscriptions: JSON.stringify(input.subscriptions ?? []),
            connect_on_launch: input.connectOnLaunch ? 1 : 0,
            codecs: JSON.stringify(input.codecs ?? NO_CODECS),
            created_at: now,
          });
        }
        for (const field of input.clearSecrets ?? []) statements.clearSecret.run(id, field);
        // A header typed again (secret or not) replaces the stored one; one not typed is kept.
        for (const name of [...(input.clearHeaders ?? []), ...Object.keys(input.options.wsHeaders ?? {})]) {
          statements.clearHeader.run(id, HEADER_FIELD_PREFIX + name);
        }
        storeSecrets(id, secrets, headers);
      })();
      backups?.changed();
      return store.get(id);
    },

    duplicate(id) {
      const source = row(id);
      const copyId = randomBytes(8).toString('hex');
      const now = Date.now();
      db.transaction(() => {
        statements.insert.run({ ...source, id: copyId, name: `${source.name} (copy)`, created_at: now, updated_at: now });
        db.prepare('INSERT INTO profile_secrets (profile_id, field, ciphertext) SELECT ?, field, ciphertext FROM profile_secrets WHERE profile_id = ?').run(copyId, id);
      })();
      backups?.changed();
      return store.get(copyId);
    },

    delete(id) {
      if (statements.remove.run(id).changes === 0) throw new WorkbenchFailure('NOT_FOUND', `No profile with id ${id}`, { reason: 'noProfile', id });
      backups?.changed();
    },

    codecsOf(id) {
      const found = statements.codecsOf.get(id) as { codecs: string } | undefined;
      return found ? parseCodecs(found.codecs) : undefined;
    },

    optionsForConnect(id) {
      const profile = store.get(id);
      const { secrets, headers } = readSecrets(id);
      return mergeSecrets({ ...profile.options, name: profile.name }, secrets, headers);
    },

    exportJson(ids) {
      const profiles = ids ? ids.map((id) => store.get(id)) : store.list();
      const file = {
        format: PROFILE_EXPORT_FORMAT,
        version: PROFILE_EXPORT_VERSION,
        exportedAt: new Date().toISOString(),
        note: 'Secrets (passwords, private keys, passphrases, credential header values) are never exported.',
        profiles: profiles.map(({ name, folder, color, options, subscriptions, connectOnLaunch, codecs }) => ({ name, folder, color, options, subscriptions, connectOnLaunch, codecs })),
      };
      return encodeStored(file, 2);
    },

    flushBackups: () => backups?.flush() ?? Promise.resolve(),
    close: () => db.close(),
  };
  return store;
}
