import { z } from 'zod';
import { secretsProtectionInfo } from './app';
import { empty, errorShape } from './common';
import { subscriptionFields } from './messages';
import { codecSettings } from './codec-rules';
import { connectionOptionsObject, protocolVersionChoice, proxyOptions, tlsOptions } from './connections';

/** Option fields that are secrets: encrypted at rest, never sent back to the renderer. */
export const SECRET_FIELDS = ['password', 'tlsKey', 'tlsPassphrase', 'tlsPfx', 'proxyPassword'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/**
 * WebSocket upgrade headers that carry credentials: their values are secrets like the password
 * (encrypted at rest, never sent back to the renderer, never exported). Any other header is one
 * when the user marks it (`profiles.save`'s `secretHeaders`).
 */
export function isCredentialHeader(name: string): boolean {
  return /^(?:authorization|proxy-authorization|cookie)$/i.test(name) || /token|secret|key|auth|passw|session|cookie/i.test(name);
}

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Not a valid header name').max(256);

const profileId = z.string().min(1).max(64);
const folder = z
  .string()
  .max(500)
  .regex(/^[^/](?:.*[^/])?$|^$/, 'Folder is a path like "Plant A/Line 2", without leading or trailing /')
  .default('');
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Colour must be #rrggbb')
  .optional();

/** Connection options as stored and shown: everything but the secrets. */
export const publicConnectionOptions = connectionOptionsObject.omit({ password: true }).extend({
  tls: tlsOptions.omit({ key: true, passphrase: true, pfx: true }).optional(),
  proxy: proxyOptions.omit({ password: true }).optional(),
});
export type PublicConnectionOptions = z.output<typeof publicConnectionOptions>;

/**
 * A subscription kept with its profile (as MQTTX keeps them per connection): every MQTT 5 option,
 * subscribed when the profile connects unless switched off.
 */
export const savedSubscription = z
  .object({
    ...subscriptionFields,
    /** Subscribed on connect; off keeps it in the profile for later. */
    enabled: z.boolean().default(true),
  })
  .strict();
export type SavedSubscription = z.output<typeof savedSubscription>;
/** Saved subscriptions per profile, at most. */
export const MAX_SAVED_SUBSCRIPTIONS = 500;
const savedSubscriptions = z.array(savedSubscription).max(MAX_SAVED_SUBSCRIPTIONS, `At most ${MAX_SAVED_SUBSCRIPTIONS} saved subscriptions`);

export const profile = z.object({
  id: profileId,
  name: z.string(),
  folder: z.string(),
  color: z.string().optional(),
  options: publicConnectionOptions,
  /** Which secrets are stored: the values themselves never leave the main process. */
  secrets: z.record(z.enum(SECRET_FIELDS), z.boolean()),
  /** WebSocket headers whose values the host holds as secrets (names only; sent on connect). */
  storedHeaders: z.array(z.string()),
  /** Subscribed when the profile connects (those enabled), in this order. */
  subscriptions: z.array(savedSubscription),
  /** Connected when the workbench starts. */
  connectOnLaunch: z.boolean(),
  /** Codec rules and schemas of this profile, before the global ones (the core always sends them; optional for older callers). */
  codecs: codecSettings.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Profile = z.infer<typeof profile>;

export const importFormat = z.enum(['workbench', 'mqttx', 'mqtt-explorer']);
export type ImportFormat = z.infer<typeof importFormat>;
/** What the user picks: a format, or 'auto' (detected from the file's content). */
export const importFormatChoice = z.enum(['auto', ...importFormat.options]);
export type ImportFormatChoice = z.infer<typeof importFormatChoice>;
/** How each format is named to the user, by the core's messages and the UI alike. */
export const IMPORT_FORMAT_NAMES: Record<ImportFormat, string> = {
  workbench: 'MQTT Workbench export',
  mqttx: 'MQTTX export',
  'mqtt-explorer': 'MQTT Explorer settings file',
};

/** A profile whose name is already taken: its profile is updated from the file, or kept as it is. */
export const sameNameAction = z.enum(['update', 'keep']);
export type SameNameAction = z.infer<typeof sameNameAction>;

/** One profile of a file, as the preview shows it before anything is written. */
export const importCandidate = z.object({
  /** Its place among the file's candidates: what `profiles.import`'s choices refer to. */
  index: z.number().int(),
  name: z.string(),
  folder: z.string(),
  /** protocol://host:port/path */
  endpoint: z.string(),
  protocolVersion: protocolVersionChoice,
  subscriptions: z.number().int(),
  /** The existing profile of the same name, which the import updates or keeps; null: a new profile. */
  existing: z.object({ id: z.string(), endpoint: z.string() }).nullable(),
  /** Settings that will be dropped or changed. */
  notes: z.array(z.string()),
});
export type ImportCandidate = z.infer<typeof importCandidate>;

const importSource = {
  format: importFormatChoice,
  content: z.string().max(20 * 1024 * 1024, 'File is larger than 20 MB'),
};

export const importPreview = z.object({
  /** The file's format, as detected from its content. */
  format: importFormat,
  candidates: z.array(importCandidate),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importReport = z.object({
  format: importFormat,
  /** New profiles. */
  imported: z.array(profile),
  /** Existing profiles of the same name, updated from the file (their stored secrets kept unless the file has them). */
  updated: z.array(profile),
  /** Entries of the file not taken because a profile of that name is kept as it is. */
  kept: z.array(z.object({ name: z.string() })),
  /** Entries that could not be taken, with the reason. */
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  /** Settings that were dropped or changed, per profile, so nothing is lost silently. */
  notes: z.array(z.object({ name: z.string(), note: z.string() })),
});
export type ImportReport = z.infer<typeof importReport>;

/** Our export file format; `version` lets a later release read older files. */
export const PROFILE_EXPORT_FORMAT = 'mqtt-workbench-profiles';
export const PROFILE_EXPORT_VERSION = 1;

export const profilesContract = {
  requests: {
    list: {
      input: empty,
      output: z.object({
        profiles: z.array(profile),
        /** Which protection secrets get, in English (the command line's wording). */
        secretsProtection: z.string(),
        /** The same, for the page to word in the UI language. */
        secretsProtectionInfo,
        osProtected: z.boolean(),
      }),
    },
    /** Creates (no id) or updates a profile. Secrets given are stored encrypted; omitted ones are kept. */
    save: {
      input: z
        .object({
          id: profileId.optional(),
          name: z.string().min(1, 'Name is required').max(200),
          folder,
          color,
          /** Cross-field rules are checked after stored secrets are taken into account (see create-core). */
          options: connectionOptionsObject,
          clearSecrets: z.array(z.enum(SECRET_FIELDS)).optional(),
          /** Headers in `options.wsHeaders` to keep as secrets besides the credential ones (isCredentialHeader). */
          secretHeaders: z.array(headerName).max(100).optional(),
          /** Stored secret headers to remove; stored ones not named here and not typed again are kept. */
          clearHeaders: z.array(headerName).max(100).optional(),
          /** Replaces the saved subscriptions; omitted keeps them. */
          subscriptions: savedSubscriptions.optional(),
          /** Omitted keeps the stored choice (off for a new profile). */
          connectOnLaunch: z.boolean().optional(),
          /** Replaces the profile's codec rules and schemas; omitted keeps them. Refused with CODEC_SCHEMA_INVALID when a rule's schema is missing or does not compile. */
          codecs: codecSettings.optional(),
        })
        .strict(),
      output: profile,
    },
    duplicate: { input: z.object({ id: profileId }).strict(), output: profile },
    delete: { input: z.object({ id: profileId }).strict(), output: empty },
    /** Connects with the stored options and secrets, so the renderer never holds them. */
    connect: {
      input: z.object({ id: profileId }).strict(),
      output: z.object({
        connectionId: z.string(),
        clientId: z.string(),
        sessionPresent: z.boolean(),
        /** The saved subscriptions that could not be made (the others are in the connection's status). */
        subscribeFailures: z.array(z.object({ filter: z.string(), error: errorShape })),
      }),
    },
    /** Our JSON format. Secrets (secret header values included) are never exported. */
    export: { input: z.object({ ids: z.array(profileId).optional() }).strict(), output: z.object({ json: z.string() }) },
    /**
     * Reads a file and says what `profiles.import` would do with it, writing nothing. A file that is
     * not in the chosen format is refused (IMPORT_WRONG_FORMAT, naming its format); 'auto' detects it.
     */
    previewImport: { input: z.object(importSource).strict(), output: importPreview },
    /**
     * Imports a file (checked as previewImport does). A profile whose name is taken is updated or
     * kept, never duplicated: `onSameName` for all, `choices` per candidate (its preview index).
     */
    import: {
      input: z
        .object({
          ...importSource,
          onSameName: sameNameAction.default('keep'),
          choices: z
            .array(z.object({ index: z.number().int().min(0), action: sameNameAction }).strict())
            .max(10_000)
            .optional(),
        })
        .strict(),
      output: importReport,
    },
    /**
     * Set when profiles.db was found damaged at start: where it was moved, and the backup restored
     * in its place (null: there was none, the list starts empty). The UI says so once.
     */
    recovery: {
      input: empty,
      output: z.object({
        report: z
          .object({
            reason: z.string(),
            movedTo: z.string(),
            restoredFrom: z.string().nullable(),
            backupTakenAt: z.number().nullable(),
            profiles: z.number(),
          })
          .nullable(),
      }),
    },
  },
  events: {},
} as const;
