import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type MqttMessage, type StoredMessage, WorkbenchFailure } from '../../../shared/contract';
import type { RequestHandlers } from '../rpc/dispatcher';
import type { EventHub } from '../rpc/event-hub';
import { type ExportHandle, HistoryError, type HistoryService, createHistory } from '../history/index';

type HistoryHandlers = Pick<RequestHandlers, Extract<keyof RequestHandlers, `history.${string}`>>;

/** Messages that arrive while the database opens are held here, bounded like the writer's queue. */
const MAX_PRE_OPEN_MESSAGES = 100_000;
/** Export progress events per export, at most this often. */
const PROGRESS_PERIOD_MS = 250;

export interface HistoryFeature {
  /** Called for every message in and out: O(1), never blocks (see createHistory). */
  append(message: MqttMessage): void;
  handlers: HistoryHandlers;
  close(): Promise<void>;
}

function toFailure(error: unknown): never {
  if (error instanceof WorkbenchFailure) throw error;
  if (error instanceof HistoryError) {
    throw new WorkbenchFailure(error.code === 'HISTORY_INVALID_QUERY' ? 'INVALID_REQUEST' : 'HISTORY_FAILED', error.message);
  }
  throw new WorkbenchFailure('HISTORY_FAILED', (error as Error).message ?? String(error));
}

function timestampForFile(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** Wires the message history into the core: every message stored, the history.* channels served. */
export function createHistoryFeature(dataDir: string | undefined, events: EventHub): HistoryFeature {
  const path = dataDir ? join(dataDir, 'history.db') : undefined;
  let service: HistoryService | null = null;
  let openError: string | undefined;
  let preOpen: MqttMessage[] = [];
  let preOpenDropped = 0;
  const exports = new Map<string, ExportHandle>();
  /** Before any connection of this run existed (see history.topics). */
  const runStartedAt = Date.now();
  let nextExportId = 1;

  const ready: Promise<HistoryService | null> = path
    ? createHistory({ path }).then(
        (opened) => {
          service = opened;
          if (opened.report.recovered) {
            console.warn(`The history database was damaged (${opened.report.recovered.reason}); it was moved to ${opened.report.recovered.movedTo}`);
          }
          opened.onEvent((event) => {
            if (event.type === 'backpressure') {
              events.emit('history.backpressure', event.dropping ? { dropping: true, connectionId: event.connectionId } : { dropping: false, dropped: event.dropped });
            } else if (event.type === 'error') {
              console.error('History write failed:', event.error.message);
            }
          });
          for (const message of preOpen) opened.append(message);
          preOpen = [];
          return opened;
        },
        (error: unknown) => {
          openError = (error as Error).message;
          console.error(`History is unavailable: ${openError}`);
          preOpen = [];
          return null;
        },
      )
    : Promise.resolve(null);

  async function require(): Promise<HistoryService> {
    const opened = await ready;
    if (!opened) {
      throw new WorkbenchFailure('HISTORY_UNAVAILABLE', openError ? `History is unavailable: ${openError}` : 'History is off: the workbench runs without a data folder');
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
      return {
        enabled: true,
        path: path!,
        ...(opened.report.recovered ? { recoveredTo: opened.report.recovered.movedTo } : {}),
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
      const page = await (await require()).page({ query, limit, cursor: cursor ?? null, order }).catch(toFailure);
      return { messages: page.messages as StoredMessage[], nextCursor: page.nextCursor };
    },
    'history.count': async ({ query, upTo }) => (await require()).countUpTo(query, upTo).catch(toFailure),
    'history.lastValues': async ({ connectionId, topic, count }) =>
      ((await require()).lastValues(connectionId, topic, count).catch(toFailure)) as Promise<StoredMessage[]>,
    // Connection ids are unique within one run of the app only (c1, c2, ...): a c1 of an earlier
    // run was another connection, perhaps to another broker, so only this run's messages count.
    'history.topics': async ({ connectionId, limit, previewBytes }) =>
      (await require()).topicSummaries(connectionId, limit, previewBytes, runStartedAt).catch(toFailure),
    'history.gaps': async ({ connectionId }) => (await require()).gaps(connectionId).catch(toFailure),
    'history.clear': async ({ connectionId, topicFilter }) => ({ deleted: await (await require()).clear(connectionId, topicFilter).catch(toFailure) }),
    'history.setRetention': async ({ policy }) => {
      await (await require()).setRetention(policy).catch(toFailure);
      return {};
    },
    'history.export': async ({ format, payloadEncoding, query, fileName }) => {
      const opened = await require();
      const folder = join(dataDir!, 'exports');
      mkdirSync(folder, { recursive: true });
      const extension = format === 'csv' ? 'csv' : format === 'json' ? 'json' : 'ndjson';
      const base = fileName ?? `history-${timestampForFile(new Date())}.${extension}`;
      let target = join(folder, base);
      for (let n = 2; existsSync(target); n++) target = join(folder, base.replace(/(\.[^.]*)?$/, ` (${n})$1`));
      const exportId = `e${nextExportId++}`;
      let lastProgressAt = 0;
      const handle = opened.exportTo({ path: target, format, payloadEncoding, ...(query ? { query } : {}) }, (progress) => {
        const now = Date.now();
        if (now - lastProgressAt < PROGRESS_PERIOD_MS) return;
        lastProgressAt = now;
        events.emit('history.exportProgress', { exportId, ...progress, state: 'running', path: target });
      });
      exports.set(exportId, handle);
      handle.done.then(
        (result) => events.emit('history.exportProgress', { exportId, written: result.count, total: result.count, bytes: result.bytes, state: 'done', path: target }),
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
    'history.cancelExport': ({ exportId }) => {
      const handle = exports.get(exportId);
      if (!handle) throw new WorkbenchFailure('NOT_FOUND', `No running export with id ${exportId}`);
      handle.cancel();
      return {};
    },
  };

  return {
    append(message) {
      if (service) service.append(message);
      else if (path && !openError) {
        if (preOpen.length < MAX_PRE_OPEN_MESSAGES) preOpen.push(message);
        else preOpenDropped++;
      }
    },
    handlers,
    async close() {
      for (const handle of exports.values()) handle.cancel();
      const opened = await ready;
      await opened?.close();
    },
  };
}
