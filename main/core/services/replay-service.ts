import { randomBytes } from 'node:crypto';
import { type HistoryCursor, type HistoryQuery, type ReplayProgressEvent, type RequestParsed, type StoredMessage, WorkbenchFailure } from '../../../shared/contract';
import type { Service } from './service';

type ReplayInput = RequestParsed<'history.replay'>;
type PublishInput = RequestParsed<'messages.publish'>;
type PublishProperties = NonNullable<PublishInput['properties']>;

export interface ReplayDeps {
  /** One page of stored messages, oldest first (history.query with order 'asc'). */
  readPage(query: HistoryQuery, cursor: HistoryCursor | null, limit: number): Promise<{ messages: StoredMessage[]; nextCursor: HistoryCursor | null }>;
  count(query: HistoryQuery): Promise<number>;
  publish(input: PublishInput): Promise<void>;
  isOpen(connectionId: string): boolean;
  onProgress(progress: ReplayProgressEvent): void;
}

/**
 * The history domain's replay channels: a replay publishes on a connection, so it is served apart
 * from the store (history-service.ts), reading it through its handlers as any caller would.
 */
export interface ReplayService extends Service<'history.replay' | 'history.stopReplay'> {
  /** Stops the replays of a connection that went away. */
  stopForConnection(connectionId: string, reason: string): void;
  stopAll(): void;
}

/** Messages read from History at a time: memory stays bounded whatever the replay's size. */
const PAGE_SIZE = 200;
/** Progress events are throttled to this period per replay. */
const PROGRESS_PERIOD_MS = 250;
/** Properties of a received message that mean something when published again (not its subscription ids or alias). */
const REPUBLISHED_PROPERTIES = ['payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic', 'correlationData', 'userProperties'] as const;

interface Replay {
  progress: ReplayProgressEvent;
  stopped: boolean;
  /** Wakes a replay waiting for its next message's time, so a stop is immediate. */
  wake: (() => void) | null;
  lastProgressAt: number;
}

function republishedProperties(stored: StoredMessage['properties']): PublishProperties | undefined {
  if (!stored) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of REPUBLISHED_PROPERTIES) if (stored[key] !== undefined) out[key] = stored[key];
  return Object.keys(out).length > 0 ? (out as PublishProperties) : undefined;
}

/**
 * Replays stored messages to an open connection, oldest first, a page at a time. Each message is
 * due at the replay's start plus its distance from the first message, divided by `speed` (idle
 * stretches capped at `maxGapMs`); a publish is awaited before the next, so QoS 1/2 replays go at
 * the pace the broker acknowledges and nothing piles up in memory.
 */
export function createReplayService(deps: ReplayDeps): ReplayService {
  const replays = new Map<string, Replay>();

  function report(replay: Replay, force = false): void {
    const now = Date.now();
    if (!force && now - replay.lastProgressAt < PROGRESS_PERIOD_MS) return;
    replay.lastProgressAt = now;
    deps.onProgress({ ...replay.progress });
  }

  function end(replay: Replay, state: 'done' | 'stopped' | 'failed', error?: string): void {
    if (replay.progress.state !== 'running') return;
    replay.progress.state = state;
    if (error) replay.progress.error = error;
    replays.delete(replay.progress.replayId);
    report(replay, true);
  }

  function waitUntil(replay: Replay, due: number): Promise<void> {
    const delay = due - Date.now();
    if (delay <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        replay.wake = null;
        resolve();
      }
      replay.wake = done;
    });
  }

  async function run(replay: Replay, input: ReplayInput): Promise<void> {
    const startedAt = Date.now();
    let previousTimestamp: number | null = null;
    // Where on the replay's own clock the next message falls (ms after the start, unscaled).
    let elapsed = 0;
    let cursor: HistoryCursor | null = null;
    do {
      const page = await deps.readPage(input.query, cursor, PAGE_SIZE);
      for (const message of page.messages) {
        if (replay.stopped) return;
        if (!input.asFastAsPossible) {
          if (previousTimestamp !== null) {
            const gap = Math.max(0, message.timestamp - previousTimestamp);
            elapsed += input.maxGapMs === null ? gap : Math.min(gap, input.maxGapMs);
          }
          previousTimestamp = message.timestamp;
          await waitUntil(replay, startedAt + elapsed / input.speed);
          if (replay.stopped) return;
        }
        if (!deps.isOpen(input.connectionId)) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', 'The connection was closed', {});
        const properties = republishedProperties(message.properties);
        await deps.publish({
          connectionId: input.connectionId,
          topic: input.topicPrefix + message.topic,
          payload: message.payload,
          qos: message.qos,
          retain: input.keepRetain && message.retain,
          ...(properties ? { properties } : {}),
        });
        replay.progress.sent++;
        report(replay);
      }
      cursor = page.nextCursor;
    } while (cursor && !replay.stopped);
  }

  const service = {
    async start(request: ReplayInput): Promise<{ replayId: string; total: number }> {
      if (!deps.isOpen(request.connectionId)) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${request.connectionId}`, { reason: 'noConnection', id: request.connectionId });
      // What is stored now, never what arrives during the replay: replaying to the same topics would
      // otherwise feed the replay its own messages, without end.
      const until = Math.min(request.query.until ?? Number.POSITIVE_INFINITY, Date.now());
      const input = { ...request, query: { ...request.query, until } };
      const total = await deps.count(input.query);
      const replayId = `p${randomBytes(6).toString('hex')}`;
      const replay: Replay = {
        progress: { replayId, connectionId: input.connectionId, sent: 0, total, state: 'running' },
        stopped: false,
        wake: null,
        lastProgressAt: 0,
      };
      replays.set(replayId, replay);
      report(replay, true);
      run(replay, input).then(
        () => end(replay, replay.stopped ? 'stopped' : 'done'),
        (error: unknown) => end(replay, 'failed', error instanceof Error ? error.message : String(error)),
      );
      return { replayId, total };
    },
    stop(replayId: string): ReplayProgressEvent {
      const replay = replays.get(replayId);
      if (!replay) throw new WorkbenchFailure('NOT_FOUND', `No running replay ${replayId}`, { reason: 'noReplay', id: replayId });
      replay.stopped = true;
      replay.wake?.();
      end(replay, 'stopped');
      return { ...replay.progress };
    },
    stopForConnection(connectionId: string, reason: string): void {
      for (const replay of [...replays.values()]) {
        if (replay.progress.connectionId !== connectionId) continue;
        replay.stopped = true;
        replay.wake?.();
        end(replay, 'failed', reason);
      }
    },
    stopAll(): void {
      for (const replay of [...replays.values()]) {
        replay.stopped = true;
        replay.wake?.();
        end(replay, 'stopped');
      }
    },
  };
  return {
    stopForConnection: service.stopForConnection,
    stopAll: service.stopAll,
    handlers: {
      'history.replay': (input) => service.start(input),
      'history.stopReplay': ({ replayId }) => service.stop(replayId),
    },
    async close() {
      service.stopAll();
    },
  };
}
