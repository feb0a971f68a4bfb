import { z } from 'zod';
import { bytes, connectionId, downloadTicket, empty, qos, topicFilter } from './common';
import { CONNECTION_NAME_MAX } from './limits';
import { decodedPayload } from './codec-rules';


/**
 * A connection's stable key in history: `profile:<id>` for a saved profile, `endpoint:<hash>` for
 * one typed in; rows stored before keys existed keep their run id (c1, c2...) as key. The engine's
 * connection ids restart with every run, so history never keys by them.
 */
export const connectionKey = z.string().min(1, 'Connection key is required').max(CONNECTION_NAME_MAX);
/** What a user calls a connection: a profile's name, or host:port. */
export const connectionLabel = z.string().min(1, 'Connection label is required').max(CONNECTION_NAME_MAX);

export const historyQuery = z
  .object({
    connectionKeys: z.array(connectionKey).max(100).optional(),
    /** Every connection whose label is one of these, across runs (a label may cover several keys). */
    connectionLabels: z.array(connectionLabel).max(100).optional(),
    direction: z.enum(['in', 'out']).optional(),
    /** An MQTT topic filter: `+` and `#` as in a subscription. */
    topicFilter: topicFilter.optional(),
    /** Inclusive, milliseconds since the epoch. */
    since: z.number().optional(),
    until: z.number().optional(),
    qos: z.array(qos).max(3).optional(),
    retain: z.boolean().optional(),
    minPayloadSize: z.number().int().min(0).optional(),
    maxPayloadSize: z.number().int().min(0).optional(),
    /** Case-insensitive substring over payloads that are UTF-8 text. */
    text: z.string().min(1).max(1000).optional(),
  })
  .strict();
export type HistoryQuery = z.infer<typeof historyQuery>;
export type HistoryQueryInput = z.input<typeof historyQuery>;

export const historyCursor = z.object({ timestamp: z.number(), id: z.number().int() }).strict();
/** Keyset cursor: the (timestamp, id) of the last row of the previous page. */
export type HistoryCursor = z.infer<typeof historyCursor>;

export const storedMessage = z.object({
  id: z.number(),
  connectionKey: z.string(),
  /** The label the connection was last described with (a renamed profile relabels its history). */
  connectionLabel: z.string(),
  direction: z.enum(['in', 'out']),
  topic: z.string(),
  payload: bytes,
  payloadSize: z.number(),
  qos,
  retain: z.boolean(),
  dup: z.boolean(),
  timestamp: z.number(),
  packetId: z.number().nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  /** As the codec rule covering its topic decodes it (as a live message's `decoded`), when one does. */
  decoded: decodedPayload.optional(),
});
export type StoredMessage = z.infer<typeof storedMessage>;

export const topicSummary = z.object({
  topic: z.string(),
  messages: z.number(),
  lastTimestamp: z.number(),
  /** The newest message that set or deleted a retained value set one. */
  retained: z.boolean(),
  qos,
  payloadSize: z.number(),
  /** The first bytes of the last payload. */
  preview: bytes,
  /** The last payload as its codec rule reads it: only when `preview` is the whole payload. */
  decoded: decodedPayload.optional(),
});
export type TopicSummary = z.infer<typeof topicSummary>;

export const historyConnection = z.object({ key: z.string(), label: z.string() });
export type HistoryConnection = z.infer<typeof historyConnection>;

export const historyGap = z.object({ connectionKey: z.string(), fromTs: z.number(), toTs: z.number(), dropped: z.number(), reason: z.string() });
export type HistoryGap = z.infer<typeof historyGap>;

const retentionLimits = z
  .object({
    maxMessages: z.number().int().min(1).optional(),
    maxBytes: z.number().int().min(1).optional(),
    maxAgeMs: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * A damaged history file found this run: where the damaged copy is, and what was read back from
 * it into the fresh file (which records all along).
 */
export const historyDamage = z.object({
  reason: z.string(),
  movedTo: z.string(),
  foundBy: z.enum(['open', 'check', 'query', 'write']),
  foundAt: z.number(),
  state: z.enum(['recovering', 'done', 'failed']),
  recovered: z
    .object({
      messages: z.number(),
      topics: z.number(),
      gaps: z.number(),
      unreadableRanges: z.number(),
      /** An upper bound: the ids inside the unreadable runs (ids may have holes). */
      lostAtMost: z.number(),
    })
    .nullable(),
  ms: z.number().optional(),
  error: z.string().optional(),
});
export type HistoryDamage = z.infer<typeof historyDamage>;

/** A name in the workbench's backups folder (never a path: the renderer cannot pick where main reads or writes). */
const backupFileName = z
  .string()
  .max(200)
  .regex(/^[\w.() -]+\.db$/, 'A backup file name may use letters, digits, spaces, . _ - ( ) only, and ends in .db');

export const historyBackup = z.object({ fileName: z.string(), path: z.string(), bytes: z.number(), modifiedAt: z.number() });
export type HistoryBackup = z.infer<typeof historyBackup>;

export const exportFormat = z.enum(['ndjson', 'json', 'csv']);
export type ExportFormat = z.infer<typeof exportFormat>;
export const payloadEncoding = z.enum(['utf8', 'base64', 'hex']);
export type PayloadEncoding = z.infer<typeof payloadEncoding>;

export const historyStatus = z.object({
  /** False when the workbench runs without a data folder, or the database could not be opened. */
  enabled: z.boolean(),
  path: z.string().optional(),
  /** Where a damaged database was moved, so the user can find it. */
  recoveredTo: z.string().optional(),
  /** The damaged file found this run and what was recovered from it. */
  damage: historyDamage.optional(),
  /** Messages the last run accepted but had not written when it was killed (recorded as gaps). */
  lostInCrash: z.number().optional(),
  error: z.string().optional(),
  accepted: z.number(),
  written: z.number(),
  pending: z.number(),
  /** Dropped under backpressure (also recorded in the database as gaps). */
  dropped: z.number(),
  failed: z.number(),
  isDropping: z.boolean(),
  totalMessages: z.number(),
  totalBytes: z.number(),
});
export type HistoryStatus = z.infer<typeof historyStatus>;

export const exportProgress = z.object({
  exportId: z.string(),
  written: z.number(),
  total: z.number(),
  bytes: z.number(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  path: z.string(),
  error: z.string().optional(),
});
export type ExportProgressEvent = z.infer<typeof exportProgress>;

/** Progress of a replay of stored messages to a connection (history.replay). */
export const replayProgress = z.object({
  replayId: z.string(),
  connectionId: z.string(),
  sent: z.number(),
  total: z.number(),
  state: z.enum(['running', 'done', 'stopped', 'failed']),
  error: z.string().optional(),
});
export type ReplayProgressEvent = z.infer<typeof replayProgress>;

/**
 * Where History keeps messages: this computer (SQLite in the data folder, the default) or a team's
 * PostgreSQL database that a recorder and other workbenches share (issue 18).
 */
export const POSTGRES_URL_PATTERN = /^postgres(ql)?:\/\//i;

/** Why a team database URL is refused, or undefined: postgres:// or postgresql://, never with a password inside. */
export function postgresUrlProblem(url: string): string | undefined {
  if (!POSTGRES_URL_PATTERN.test(url)) return 'A team database URL starts with postgres:// or postgresql:// (postgres://user@host:5432/database)';
  // Read by hand: the shared code has no URL class, and URL would not know the scheme anyway.
  const rest = url.replace(POSTGRES_URL_PATTERN, '');
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  if (userInfo.includes(':') || /[?&]password=/i.test(rest)) {
    return 'The URL holds a password: remove it from the URL and type it in the password field (it is kept encrypted, never in the URL)';
  }
  if (!authority.slice(at + 1) && !/[?&]host=/i.test(rest)) return 'The URL names no host: postgres://user@host:5432/database';
  return undefined;
}

const postgresUrl = z
  .string()
  .trim()
  .min(1, 'The team database URL is required')
  .max(2000)
  .superRefine((url, context) => {
    const problem = postgresUrlProblem(url);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

export const postgresTlsMode = z.enum(['disable', 'require', 'verify-full']);
export type PostgresTlsMode = z.infer<typeof postgresTlsMode>;
/** A PEM CA certificate (or several) for verify-full. */
const pemText = z.string().max(256 * 1024);

export const historySourceView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({
    kind: z.literal('postgres'),
    url: z.string(),
    tls: z.object({ mode: postgresTlsMode, hasCa: z.boolean() }),
    /** Whether a password is stored (it is never sent back). */
    hasPassword: z.boolean(),
    /** The role may read but not write or delete (known once connected, or once refused). */
    readOnly: z.boolean().optional(),
    state: z.enum(['connected', 'connecting', 'failed']),
    error: z.string().optional(),
  }),
]);
export type HistorySourceView = z.infer<typeof historySourceView>;

export const historySourceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('postgres'),
      url: postgresUrl,
      /** Write-only: omitted keeps the stored one, '' removes it. */
      password: z.string().max(1000).optional(),
      tls: z
        .object({
          mode: postgresTlsMode,
          /** PEM text; omitted keeps the stored one, null removes it. */
          ca: pemText.nullable().optional(),
        })
        .strict()
        .default({ mode: 'disable' }),
    })
    .strict(),
]);
export type HistorySourceInput = z.input<typeof historySourceInput>;
export type HistorySourceParsed = z.infer<typeof historySourceInput>;

export const historySourceTest = z.object({
  ok: z.boolean(),
  /** PostgreSQL's server_version. */
  serverVersion: z.string().optional(),
  /** The role may add and delete messages (false: a read-only role, History can browse only). */
  canWrite: z.boolean().optional(),
  /** installed: in this database; available: the server has it, not yet created here. */
  timescaleDb: z.enum(['installed', 'available', 'absent']).optional(),
  error: z.string().optional(),
});
export type HistorySourceTest = z.infer<typeof historySourceTest>;

/** The fastest a replay may be scaled: beyond this, `asFastAsPossible` says it better. */
export const REPLAY_MAX_SPEED = 1000;

export const historyContract = {
  requests: {
    status: { input: empty, output: historyStatus },
    /** One page, newest first by default; pass `nextCursor` back for the next (keyset paging). */
    query: {
      input: z
        .object({
          query: historyQuery.default({}),
          limit: z.number().int().min(1).max(5000).default(200),
          cursor: historyCursor.nullable().optional(),
          order: z.enum(['asc', 'desc']).default('desc'),
        })
        .strict(),
      output: z.object({ messages: z.array(storedMessage), nextCursor: historyCursor.nullable() }),
    },
    /** Counts up to `upTo` ("100,000+" without counting millions). */
    count: {
      input: z.object({ query: historyQuery.default({}), upTo: z.number().int().min(1).max(10_000_000).default(100_000) }).strict(),
      output: z.object({ count: z.number(), capped: z.boolean() }),
    },
    /** Every connection with stored messages, with its label: what History can be filtered by. */
    connections: { input: empty, output: z.object({ connections: z.array(historyConnection) }) },
    /** The latest values of one topic of an open connection (any run of it), for diffs and plots. */
    lastValues: {
      input: z.object({ connectionId, topic: z.string().min(1), count: z.number().int().min(1).max(10_000).default(100) }).strict(),
      output: z.array(storedMessage),
    },
    /**
     * Every topic received on an open connection with its message count and the head of its last
     * payload (never whole payloads): how the topic tree shows what a connection already stored.
     * Of every run of that connection (its profile, or its endpoint), never of another broker.
     */
    topics: {
      input: z
        .object({
          connectionId,
          limit: z.number().int().min(1).max(200_000).default(100_000),
          previewBytes: z.number().int().min(0).max(4096).default(800),
        })
        .strict(),
      output: z.object({ topics: z.array(topicSummary), truncated: z.boolean() }),
    },
    gaps: { input: z.object({ connectionKey: connectionKey.optional() }).strict(), output: z.array(historyGap) },
    clear: { input: z.object({ connectionKey, topicFilter: topicFilter.optional() }).strict(), output: z.object({ deleted: z.number() }) },
    setRetention: {
      input: z
        .object({
          policy: retentionLimits
            .extend({ perConnection: retentionLimits.optional(), connections: z.record(connectionKey, retentionLimits).optional() })
            .nullable(),
        })
        .strict(),
      output: empty,
    },
    /**
     * Streams the query's result to a file in the workbench's exports folder (a name, never a
     * path: the renderer cannot pick where main writes). Progress arrives as events.
     */
    export: {
      input: z
        .object({
          format: exportFormat,
          payloadEncoding: payloadEncoding.default('utf8'),
          query: historyQuery.optional(),
          /**
           * Adds what the codec rules make of each payload beside the raw bytes (issue 16): JSON and
           * NDJSON records get `decodedRule`, `decodedFormat`, `decoded` (the text, JSON for the
           * structured formats) and `decodedProblem`; CSV the columns decoded_rule, decoded_format,
           * decoded and decoded_problem. Empty (null) for a message no rule covers.
           */
          decodedColumn: z.boolean().optional(),
          fileName: z
            .string()
            .max(200)
            .regex(/^(?!\.)[\w.() -]+$/, 'File name may use letters, digits, spaces, . _ - ( ) only, and does not start with a dot')
            .optional(),
          /**
           * 'file' keeps the export in the exports folder. 'download' makes it for the user to take
           * away: once done, history.download mints a single-use download id for it, and the host's
           * file is removed once that download was served (or its id expired, or the app closed).
           */
          delivery: z.enum(['file', 'download']).default('file'),
        })
        .strict(),
      output: z.object({ exportId: z.string(), path: z.string() }),
    },
    /**
     * A short-lived, single-use download id for a finished export made with delivery 'download':
     * browser mode fetches GET /download/<id>?token=… from the host (streamed, a browser download);
     * the desktop shell saves it where its save dialog says. Once per export.
     */
    download: {
      input: z.object({ exportId: z.string().min(1).max(64) }).strict(),
      output: downloadTicket,
    },
    cancelExport: { input: z.object({ exportId: z.string().min(1).max(64) }).strict(), output: empty },
    /**
     * Publishes the query's stored messages, oldest first, on an open connection: at their
     * original pace scaled by `speed` (2 = twice as fast), or as fast as the broker takes them.
     * `maxGapMs` shortens long idle stretches; `topicPrefix` replays under another branch (e.g.
     * `replay/`) so live devices are not confused; retained flags are dropped unless `keepRetain`.
     * Progress arrives as `history.replayProgress` events.
     */
    replay: {
      input: z
        .object({
          connectionId,
          query: historyQuery.default({}),
          speed: z.number().positive().max(REPLAY_MAX_SPEED).default(1),
          asFastAsPossible: z.boolean().default(false),
          maxGapMs: z.number().int().min(0).max(86_400_000).nullable().default(null),
          topicPrefix: z
            .string()
            .max(1000)
            .regex(/^[^#+\u0000]*$/, 'A topic prefix cannot hold wildcards (+, #) or U+0000')
            .default(''),
          keepRetain: z.boolean().default(false),
        })
        .strict(),
      output: z.object({ replayId: z.string(), total: z.number() }),
    },
    stopReplay: { input: z.object({ replayId: z.string().min(1).max(64) }).strict(), output: replayProgress },
    /** A consistent copy of the history database (SQLite's online backup) in the backups folder, while recording goes on. */
    backup: { input: z.object({ fileName: backupFileName.optional() }).strict(), output: historyBackup },
    /** The history backups in the backups folder, newest first. */
    backups: { input: empty, output: z.object({ backups: z.array(historyBackup) }) },
    /**
     * Replaces the history database with a backup from the backups folder, after checking it is
     * a readable, undamaged history database; the current file is kept aside (`movedTo`).
     */
    restore: { input: z.object({ fileName: backupFileName }).strict(), output: z.object({ restoredFrom: z.string(), movedTo: z.string() }) },
    /** Where History keeps messages now and, for a team database, its state (never its password). */
    getSource: { input: empty, output: historySourceView },
    /**
     * Switches History to this computer or a team database (kept in the data folder, the password
     * encrypted): the current store is closed and every history.* channel serves from the new one.
     * Refused (and the current source kept) when the team database cannot be opened.
     */
    setSource: { input: historySourceInput, output: historySourceView },
    /** Connects once to a team database without switching to it: its version, whether the role may write, TimescaleDB. */
    testSource: { input: historySourceInput, output: historySourceTest },
  },
  events: {
    exportProgress: { payload: exportProgress },
    /** History switched source, or a team database's state changed (connected, failed, read-only found). */
    sourceChanged: { payload: historySourceView },
    /**
     * Another writer (a recorder, a colleague's workbench) stored rows in the team database
     * (PostgreSQL LISTEN/NOTIFY, no polling): how many, of which connections (at most 50 listed), when.
     */
    tail: { payload: z.object({ count: z.number(), connectionKeys: z.array(z.string()), fromTs: z.number(), toTs: z.number() }) },
    /** A damaged history file was found (state recovering) and its recovery ended (done or failed). */
    damage: { payload: historyDamage },
    /** At most a few per second per replay, and always its last state. */
    replayProgress: { payload: replayProgress },
    /** Backpressure episodes: dropping starts (per connection key) and ends (with the gaps recorded). */
    backpressure: {
      payload: z.object({ dropping: z.boolean(), connectionKey: z.string().optional(), dropped: z.number().optional() }),
    },
  },
} as const;
