import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type ErrorParams, type MqttMessage, type StoredMessage, WorkbenchFailure } from '../../../shared/contract';
import type { CodecScopes } from '../codecs/codec-scopes';
import { createStoredDecoder } from '../codecs/stored-decoder';
import type { Downloads } from '../downloads/downloads';
import type { ConnectionIdentity } from '../engine/connection-identity';
import type { RequestHandlers } from '../rpc/dispatcher';
import type { EventHub } from '../rpc/event-hub';
import { type ExportHandle, HistoryError, type History, createHistory } from '../history/index';
import { type HistorySourceView } from '../../../shared/contract/history';
import { LOCAL_SOURCE, type StoredHistorySource, type TeamDatabase, loadHistorySource, sameSource, saveHistorySource, storedSourceFrom, teamDatabaseOf } from '../history/history-source';
import { probeTeamDatabase, teamDatabaseIsReadOnly } from '../history/history-source-probe';
import { createPostgresHistory } from '../history/postgres/create-postgres-history';
import { createEphemeralCipher } from '../secrets/key-file-cipher';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { ChannelsOf, Service } from './service';

/** History's channels, but replays: those publish on connections, so the replay service serves them. */
type HistoryChannels = Exclude<ChannelsOf<'history'>, 'history.replay' | 'history.stopReplay'>;
type HistoryHandlers = Pick<RequestHandlers, HistoryChannels>;

/** Messages that arrive while the database opens are held here, bounded like the writer's queue. */
const MAX_PRE_OPEN_MESSAGES = 100_000;
/** Export progress events per export, at most this often. */
const PROGRESS_PERIOD_MS = 250;

export interface HistoryService extends Service<HistoryChannels> {
  /**
   * Called for every message in and out, with its connection's identity: O(1), never blocks (see
   * createHistory). False when History refused it (failed, closed, or dropped under backpressure).
   */
  append(message: MqttMessage, identity: ConnectionIdentity): boolean;
  /**
   * Resolves once every message appended so far is committed to the database, sending what is queued
   * now: true, or false when History cannot hold them (no data folder, not open, failed). Durable
   * capture acknowledges QoS 1/2 messages to the broker only then (see engine/durable-acks.ts).
   */
  committed(): Promise<boolean>;
  /** Null while history has room for more; else resolves when it has (see History.whenRoom). */
  whenRoom(): Promise<void> | null;
  /**
   * Before a connection opens: stores its label, so its messages are named even if the app dies
   * before the connect completes (a connection that never stores anything is not listed).
   */
  describe(identity: ConnectionIdentity): void;
  /** Once the engine named the connection: what history.topics and history.lastValues look it up by. */
  bind(connectionId: string, identity: ConnectionIdentity): void;
}

/** What a read-only role is told instead of PostgreSQL's "permission denied". */
export const READ_ONLY_MESSAGE = 'Read-only role: you can browse, not delete. The team database lets this role read only (ask its administrator for write access).';

function toFailure(error: unknown): never {
  if (error instanceof WorkbenchFailure) throw error;
  if (error instanceof HistoryError) {
    const { code } = error;
    if (code === 'HISTORY_READ_ONLY') throw new WorkbenchFailure('HISTORY_READ_ONLY', READ_ONLY_MESSAGE, {});
    if (code === 'HISTORY_UNSUPPORTED') throw new WorkbenchFailure('HISTORY_UNSUPPORTED', error.message, { detail: error.message });
    if (code === 'HISTORY_STORE_UNAVAILABLE') throw new WorkbenchFailure('HISTORY_UNAVAILABLE', error.message, { detail: error.message });
    throw new WorkbenchFailure(error.code === 'HISTORY_INVALID_QUERY' ? 'INVALID_REQUEST' : 'HISTORY_FAILED', error.message, { detail: error.message });
  }
  const why = (error as Error).message ?? String(error);
  throw new WorkbenchFailure('HISTORY_FAILED', why, { detail: why });
}

function timestampForFile(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** Where History keeps messages now, and how that is going. */
interface SourceState {
  stored: StoredHistorySource;
  state: 'connected' | 'connecting' | 'failed';
  error?: string;
  readOnly?: boolean;
}

export interface HistoryServiceOptions {
  /** Without one History is off (and no source can be chosen). */
  dataDir: string | undefined;
  events: EventHub;
  downloads?: Downloads;
  /** The codec rules a text search and a decoded export read payloads with. */
  codecScopes?: () => CodecScopes | undefined;
  /** Encrypts a team database's password at rest, as profile secrets (an in-memory key without one). */
  cipher?: SecretCipher;
}

/**
 * Wires the message history into the core: every message stored, the history.* channels served.
 * History has a source (history-source.json in the data folder): this computer (SQLite) or a team
 * PostgreSQL database; history.setSource switches it at runtime.
 */
export function createHistoryService({ dataDir, events, downloads, codecScopes = () => undefined, cipher = createEphemeralCipher() }: HistoryServiceOptions): HistoryService {
  /** The rules a query needs: only a text search (or a decoded export column) reads payloads. */
  const codecsFor = (query: { text?: string | undefined } | undefined) => (query?.text ? codecScopes() : undefined);
  const decodeStored = createStoredDecoder(codecScopes);
  const path = dataDir ? join(dataDir, 'history.db') : undefined;
  const sourcePath = dataDir ? join(dataDir, 'history-source.json') : undefined;
  let source: SourceState = { stored: sourcePath ? loadHistorySource(sourcePath) : LOCAL_SOURCE, state: 'connecting' };
  let service: History | null = null;
  let stopListening: () => void = () => undefined;
  let openError: string | undefined;
  let preOpen: [connectionKey: string, message: MqttMessage][] = [];
  let preOpenLabels = new Map<string, string>();
  let preOpenDropped = 0;
  /** Every label described this run: a switch of source names the open connections in the new store too. */
  const labels = new Map<string, string>();
  const exports = new Map<string, ExportHandle>();
  /**
   * The engine's ids of this run -> their connections' keys. Kept after a disconnect (a closed tab
   * still shows its tree); ids are never reused within a run, and there is one per connect.
   */
  const keysById = new Map<string, string>();
  let nextExportId = 1;
  /**
   * Finished exports made for a download, their id minted when they finished (so an export nobody
   * asks for expires with its id, file and all), not yet handed out by history.download.
   */
  const readyDownloads = new Map<string, { downloadId: string; fileName: string; bytes: number }>();

  function viewOf(state: SourceState): HistorySourceView {
    const { stored } = state;
    if (stored.kind === 'local') return { kind: 'local' };
    return {
      kind: 'postgres',
      url: stored.url,
      tls: { mode: stored.tls.mode, hasCa: stored.tls.ca !== undefined },
      hasPassword: stored.passwordCiphertext !== undefined,
      ...(state.readOnly !== undefined ? { readOnly: state.readOnly } : {}),
      state: state.state,
      ...(state.error ? { error: state.error } : {}),
    };
  }

  function announce(): void {
    events.emit('history.sourceChanged', viewOf(source));
  }

  /** Opens a source's store; a team database's with the password decrypted here, never kept in clear. */
  function openStore(stored: StoredHistorySource): Promise<History> {
    if (stored.kind === 'local') return createHistory({ path: path! });
    return (async () => {
      const { url, password, tls } = teamDatabaseOf(stored, cipher);
      return createPostgresHistory({ source: { url, ...(password !== undefined ? { password } : {}), ...(tls ? { tls } : {}) } });
    })();
  }

  /** A team database's role may be read-only: found out once connected, told to the UI. */
  function checkReadOnly(state: SourceState): void {
    if (state.stored.kind !== 'postgres') return;
    let database: TeamDatabase;
    try {
      database = teamDatabaseOf(state.stored, cipher);
    } catch {
      return;
    }
    teamDatabaseIsReadOnly(database).then(
      (readOnly) => {
        if (source !== state || state.readOnly === readOnly) return;
        state.readOnly = readOnly;
        announce();
      },
      () => undefined, // a probe that cannot connect says nothing the store's own state does not
    );
  }

  /** Records read-only when PostgreSQL refused a write or a delete for the role. */
  function noteReadOnly(error: unknown): void {
    if (error instanceof HistoryError && error.code === 'HISTORY_READ_ONLY' && source.stored.kind === 'postgres' && source.readOnly !== true) {
      source.readOnly = true;
      announce();
    }
  }

  function listen(opened: History): () => void {
    return opened.onEvent((event) => {
      if (event.type === 'damage') {
        const { report } = event;
        console.warn(
          report.state === 'recovering'
            ? `The history database is damaged (${report.reason}); it was moved to ${report.movedTo} and recording goes on in a fresh file`
            : `History recovery ${report.state}: ${report.recovered?.messages ?? 0} messages recovered from ${report.movedTo}${report.error ? ` (${report.error})` : ''}`,
        );
        events.emit('history.damage', report);
      } else if (event.type === 'backpressure') {
        events.emit('history.backpressure', event.dropping ? { dropping: true, connectionKey: event.connectionKey } : { dropping: false, dropped: event.dropped });
      } else if (event.type === 'error') {
        noteReadOnly(event.error);
        console.error('History write failed:', event.error.message);
      } else if (event.type === 'store' && source.stored.kind === 'postgres') {
        // The team database went away (it reconnects by itself, holding what arrives) or came back.
        if (event.state === 'down') {
          console.warn(`The team history database ${source.stored.url} cannot be reached; reconnecting (${event.error.message})`);
          source = { ...source, state: 'connecting', error: `Reconnecting: ${event.error.message}` };
        } else {
          const { error: _gone, ...rest } = source;
          source = { ...rest, state: 'connected' };
        }
        announce();
      } else if (event.type === 'tail') {
        events.emit('history.tail', { count: event.count, connectionKeys: event.connectionKeys, fromTs: event.fromTs, toTs: event.toTs });
      }
    });
  }

  function describeSource(stored: StoredHistorySource): string {
    return stored.kind === 'local' ? (path ?? 'this computer') : stored.url;
  }

  let ready: Promise<History | null> = path
    ? openStore(source.stored).then(
        (opened) => {
          service = opened;
          source = { ...source, state: 'connected' };
          if (opened.report.recovered) {
            console.warn(`The history database was damaged (${opened.report.recovered.reason}); it was moved to ${opened.report.recovered.movedTo}`);
          }
          const startDamage = opened.damage();
          if (startDamage) events.emit('history.damage', startDamage);
          stopListening = listen(opened);
          for (const [key, label] of preOpenLabels) void opened.describeConnection(key, label).catch(logLabelFailure);
          for (const [key, message] of preOpen) opened.append(key, message);
          preOpen = [];
          preOpenLabels = new Map();
          checkReadOnly(source);
          announce();
          return opened;
        },
        (error: unknown) => {
          openError = (error as Error).message;
          source = { ...source, state: 'failed', error: openError };
          console.error(`History (${describeSource(source.stored)}) is unavailable: ${openError}`);
          preOpen = [];
          preOpenLabels = new Map();
          announce();
          return null;
        },
      )
    : Promise.resolve(null);

  /** One switch at a time, in the order asked. */
  let switching: Promise<unknown> = Promise.resolve();

  /**
   * Opens the new source before letting go of the current one: a team database that cannot be
   * reached is refused and History goes on where it was. Then appends go to the new store, the
   * current one is flushed and closed (its running exports cancelled), and the choice is saved.
   */
  async function switchTo(next: StoredHistorySource): Promise<HistorySourceView> {
    const current = await ready;
    if (current && source.state === 'connected' && sameSource(next, source.stored)) return viewOf(source);
    let opened: History;
    try {
      opened = await openStore(next);
    } catch (error) {
      const target = next.kind === 'local' ? 'the history on this computer' : `the team database ${next.url}`;
      const why = (error as Error).message;
      const params: ErrorParams = next.kind === 'local' ? { reason: 'historyOpenLocal', detail: why } : { reason: 'historyOpen', url: next.url, detail: why };
      throw new WorkbenchFailure('HISTORY_UNAVAILABLE', `Cannot open ${target}: ${why}. History stays where it was.`, params);
    }
    try {
      saveHistorySource(sourcePath!, next);
    } catch (error) {
      await opened.close().catch(() => undefined);
      throw new WorkbenchFailure('HISTORY_FAILED', `The history source could not be saved in ${sourcePath}: ${(error as Error).message}`, {
        reason: 'sourceNotSaved',
        path: sourcePath!,
        detail: (error as Error).message,
      });
    }
    stopListening();
    for (const handle of exports.values()) handle.cancel();
    service = opened;
    openError = undefined;
    ready = Promise.resolve(opened);
    stopListening = listen(opened);
    for (const [key, label] of labels) void opened.describeConnection(key, label).catch(logLabelFailure);
    source = { stored: next, state: 'connected' };
    checkReadOnly(source);
    announce();
    if (current) {
      await current.close().catch((error: unknown) => console.error(`History (${describeSource(next)}) did not close cleanly:`, (error as Error).message));
    }
    return viewOf(source);
  }

  /** The team database channels refuse what only this computer's history file can do. */
  function requireLocal(what: string): void {
    if (source.stored.kind === 'postgres') {
      throw new WorkbenchFailure(
        'HISTORY_UNSUPPORTED',
        `${what} are of the history on this computer: a team database is backed up by its administrators with PostgreSQL's own tools (pg_dump, replicas)`,
        { reason: 'localHistoryOnly' },
      );
    }
  }

  /** Backups (history and profiles) live in one folder of the data folder. */
  function backupsFolder(): string {
    const folder = join(dataDir!, 'backups');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    return folder;
  }

  function logLabelFailure(error: unknown): void {
    console.error('History could not store a connection label:', (error as Error).message);
  }

  async function require(): Promise<History> {
    const opened = await ready;
    if (!opened) {
      if (openError && source.stored.kind === 'postgres') {
        throw new WorkbenchFailure('HISTORY_UNAVAILABLE', `The team database ${source.stored.url} is unavailable: ${openError}`, { reason: 'teamDatabase', url: source.stored.url, detail: openError });
      }
      if (openError) throw new WorkbenchFailure('HISTORY_UNAVAILABLE', `History is unavailable: ${openError}`, { detail: openError });
      throw new WorkbenchFailure('HISTORY_UNAVAILABLE', 'History is off: the workbench runs without a data folder', { reason: 'historyOff' });
    }
    return opened;
  }

  const handlers: HistoryHandlers = {
    'history.status': async () => {
      const opened = await ready;
      if (!opened) {
        return {
          enabled: false,
          ...(openError ? { error: openError } : {}),
          accepted: 0,
          written: 0,
          pending: 0,
          dropped: preOpenDropped,
          failed: 0,
          isDropping: false,
          totalMessages: 0,
          totalBytes: 0,
        };
      }
      const stats = opened.stats();
      const totals = await opened.totals().catch(toFailure);
      const damage = opened.damage();
      return {
        enabled: true,
        ...(source.stored.kind === 'local' ? { path: path! } : {}),
        ...(opened.report.recovered ? { recoveredTo: opened.report.recovered.movedTo } : {}),
        ...(damage ? { recoveredTo: damage.movedTo, damage } : {}),
        ...(opened.report.lostInCrash ? { lostInCrash: opened.report.lostInCrash } : {}),
        accepted: stats.accepted,
        written: stats.written,
        pending: stats.pending,
        dropped: stats.dropped + preOpenDropped,
        failed: stats.failed,
        isDropping: stats.isDropping,
        totalMessages: totals.messages,
        totalBytes: totals.bytes,
      };
    },
    'history.query': async ({ query, limit, cursor, order }) => {
      const codecs = codecsFor(query);
      const page = await (await require()).page({ query, limit, cursor: cursor ?? null, order, ...(codecs ? { codecs } : {}) }).catch(toFailure);
      return { messages: decodeStored.messages(page.messages as StoredMessage[]), nextCursor: page.nextCursor };
    },
    'history.count': async ({ query, upTo }) => (await require()).countUpTo(query, upTo, codecsFor(query)).catch(toFailure),
    'history.connections': async () => ({ connections: await (await require()).connections().catch(toFailure) }),
    // An engine id (c1...) stands for its connection's key. One this run never opened has no
    // history: never look it up as a key, since rows from before keys use run ids as their keys.
    'history.lastValues': async ({ connectionId, topic, count }) => {
      const opened = await require();
      const key = keysById.get(connectionId);
      return key === undefined ? [] : decodeStored.messages((await opened.lastValues(key, topic, count).catch(toFailure)) as StoredMessage[]);
    },
    'history.topics': async ({ connectionId, limit, previewBytes }) => {
      const opened = await require();
      const key = keysById.get(connectionId);
      if (key === undefined) return { topics: [], truncated: false };
      const { topics, truncated } = await opened.topicSummaries(key, limit, previewBytes).catch(toFailure);
      return { topics: decodeStored.summaries(key, topics), truncated };
    },
    'history.gaps': async ({ connectionKey }) => (await require()).gaps(connectionKey).catch(toFailure),
    'history.clear': async ({ connectionKey, topicFilter }) => {
      const opened = await require();
      if (source.readOnly) throw new WorkbenchFailure('HISTORY_READ_ONLY', READ_ONLY_MESSAGE, {});
      const deleted = await opened.clear(connectionKey, topicFilter).catch((error: unknown) => {
        noteReadOnly(error);
        return toFailure(error);
      });
      return { deleted };
    },
    'history.setRetention': async ({ policy }) => {
      await (await require()).setRetention(policy).catch(toFailure);
      return {};
    },
    'history.export': async ({ format, payloadEncoding, query, fileName, delivery, decodedColumn }) => {
      if (delivery === 'download' && !downloads) throw new WorkbenchFailure('INVALID_REQUEST', 'Downloads are not available here', { reason: 'downloadsUnavailable' });
      const opened = await require();
      const folder = join(dataDir!, 'exports');
      mkdirSync(folder, { recursive: true });
      const extension = format === 'csv' ? 'csv' : format === 'json' ? 'json' : 'ndjson';
      const base = fileName ?? `history-${timestampForFile(new Date())}.${extension}`;
      let target = join(folder, base);
      for (let n = 2; existsSync(target); n++) target = join(folder, base.replace(/(\.[^.]*)?$/, ` (${n})$1`));
      const exportId = `e${nextExportId++}`;
      let lastProgressAt = 0;
      const codecs = decodedColumn ? codecScopes() : codecsFor(query);
      const handle = opened.exportTo({ path: target, format, payloadEncoding, ...(query ? { query } : {}), ...(codecs ? { codecs } : {}), ...(decodedColumn ? { decodedColumn } : {}) }, (progress) => {
        const now = Date.now();
        if (now - lastProgressAt < PROGRESS_PERIOD_MS) return;
        lastProgressAt = now;
        events.emit('history.exportProgress', { exportId, ...progress, state: 'running', path: target });
      });
      exports.set(exportId, handle);
      handle.done.then(
        (result) => {
          if (delivery === 'download' && downloads) {
            const source = { fileName: basename(target), bytes: result.bytes };
            readyDownloads.set(exportId, { ...source, downloadId: downloads.mintFile(target, source, { removeAfter: true }) });
          }
          events.emit('history.exportProgress', { exportId, written: result.count, total: result.count, bytes: result.bytes, state: 'done', path: target });
        },
        (error: unknown) => {
          const cancelled = error instanceof HistoryError && error.code === 'HISTORY_EXPORT_CANCELLED';
          events.emit('history.exportProgress', {
            exportId,
            written: 0,
            total: 0,
            bytes: 0,
            state: cancelled ? 'cancelled' : 'failed',
            path: target,
            ...(cancelled ? {} : { error: (error as Error).message }),
          });
        },
      ).finally(() => exports.delete(exportId));
      return { exportId, path: target };
    },
    'history.backup': async ({ fileName }) => {
      requireLocal('Backups');
      const opened = await require();
      const folder = backupsFolder();
      const target = join(folder, fileName ?? `history-${timestampForFile(new Date())}.db`);
      if (existsSync(target)) throw new WorkbenchFailure('INVALID_REQUEST', `A backup named ${fileName} exists already`, { reason: 'backupExists', file: fileName ?? target });
      const { path: written, bytes } = await opened.backup(target).catch(toFailure);
      return { fileName: target.slice(folder.length + 1), path: written, bytes, modifiedAt: statSync(written).mtimeMs };
    },
    'history.backups': async () => {
      requireLocal('Backups');
      await require();
      const folder = backupsFolder();
      const backups = readdirSync(folder)
        .filter((name) => name.startsWith('history-') && name.endsWith('.db'))
        .map((name) => {
          const stats = statSync(join(folder, name));
          return { fileName: name, path: join(folder, name), bytes: stats.size, modifiedAt: stats.mtimeMs };
        });
      return { backups: backups.sort((a, b) => b.modifiedAt - a.modifiedAt) };
    },
    'history.restore': async ({ fileName }) => {
      requireLocal('Restores');
      const opened = await require();
      const from = join(backupsFolder(), fileName);
      if (!existsSync(from)) throw new WorkbenchFailure('NOT_FOUND', `No backup named ${fileName} in ${backupsFolder()}`, { reason: 'noBackup', file: fileName, folder: backupsFolder() });
      try {
        const { movedTo } = await opened.restore(from);
        return { restoredFrom: from, movedTo };
      } catch (error) {
        if (error instanceof HistoryError && error.code === 'HISTORY_RESTORE_INVALID') throw new WorkbenchFailure('INVALID_REQUEST', error.message, { detail: error.message });
        return toFailure(error);
      }
    },
    'history.getSource': () => viewOf(source),
    'history.setSource': (input) => {
      if (!sourcePath) throw new WorkbenchFailure('HISTORY_UNAVAILABLE', 'History is off: the workbench runs without a data folder', { reason: 'historyOff' });
      const run = switching.then(() => switchTo(storedSourceFrom(input, source.stored, cipher)));
      switching = run.catch(() => undefined);
      return run;
    },
    'history.testSource': async (input) => {
      if (input.kind === 'local') return { ok: true };
      try {
        const stored = storedSourceFrom(input, source.stored, cipher);
        if (stored.kind !== 'postgres') return { ok: true };
        return await probeTeamDatabase(teamDatabaseOf(stored, cipher));
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
    'history.download': ({ exportId }) => {
      const ready = readyDownloads.get(exportId);
      // Once per export; an id that expired meanwhile is refused by the host (404), as a spent one.
      if (!ready) throw new WorkbenchFailure('NOT_FOUND', `No finished export ${exportId} waiting to be downloaded`, { reason: 'noExport', id: exportId });
      readyDownloads.delete(exportId);
      return ready;
    },
    'history.cancelExport': ({ exportId }) => {
      const handle = exports.get(exportId);
      if (!handle) throw new WorkbenchFailure('NOT_FOUND', `No running export with id ${exportId}`, { reason: 'noExport', id: exportId });
      handle.cancel();
      return {};
    },
  };

  return {
    whenRoom() {
      return service ? service.whenRoom() : null;
    },

    append(message, identity) {
      // A read-only role's store refuses every batch: not sent at all, not logged as a failure each time.
      if (service) return source.readOnly ? false : service.append(identity.key, message);
      if (path && !openError) {
        if (preOpen.length < MAX_PRE_OPEN_MESSAGES) {
          preOpen.push([identity.key, message]);
          return true;
        }
        preOpenDropped++;
      }
      return false;
    },
    async committed() {
      const opened = await ready;
      // A read-only role stores nothing (append refuses): durable capture must not acknowledge.
      if (!opened || source.readOnly) return false;
      // A batch SQLite refused while we waited may hold these messages: then they are not stored.
      const failedBefore = opened.stats().failed;
      await opened.flush();
      return opened.stats().failed === failedBefore;
    },
    describe({ key, label }) {
      labels.set(key, label);
      if (service) void service.describeConnection(key, label).catch(logLabelFailure);
      else if (path && !openError) preOpenLabels.set(key, label);
    },
    bind(connectionId, identity) {
      keysById.set(connectionId, identity.key);
    },
    handlers,
    async close() {
      for (const handle of exports.values()) handle.cancel();
      // Their files go with the core's downloads (Downloads.close).
      readyDownloads.clear();
      await switching;
      stopListening();
      const opened = await ready;
      await opened?.close();
    },
  };
}
