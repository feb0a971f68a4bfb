import type { Migration } from '../history/migrations';

/** The profiles database's own numbered migrations. Never edit a released one: add the next. */
export const PROFILE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'profiles and their encrypted secrets',
    sql: `
      CREATE TABLE profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        folder TEXT NOT NULL DEFAULT '',
        color TEXT,
        options TEXT NOT NULL, -- JSON of the public options (bytes as base64 envelopes)
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- Each secret encrypted on its own, so one field can be replaced or cleared alone.
      CREATE TABLE profile_secrets (
        profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        ciphertext BLOB NOT NULL,
        PRIMARY KEY (profile_id, field)
      );
    `,
  },
  {
    version: 2,
    name: 'saved subscriptions and connect on launch',
    sql: `
      ALTER TABLE profiles ADD COLUMN subscriptions TEXT NOT NULL DEFAULT '[]'; -- JSON array of SavedSubscription
      ALTER TABLE profiles ADD COLUMN connect_on_launch INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 3,
    name: 'codec rules and schemas per profile',
    sql: `
      ALTER TABLE profiles ADD COLUMN codecs TEXT NOT NULL DEFAULT '{}'; -- JSON of CodecSettings (rules, schemas as their files' text)
    `,
  },
];
