/**
 * `mqtt-workbench record`: a headless recorder. One or more brokers (saved profiles or URLs), their
 * subscriptions, into a history store (a team's PostgreSQL, or a SQLite file), until SIGINT/SIGTERM.
 * Reconnects on its own (broker and database), keeps persistent sessions when asked, acknowledges
 * QoS 1/2 only after commit with --durable, writes a heartbeat row per connection, and logs one
 * line per state change.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { COMMAND_SUMMARIES } from '../command-summaries';
import { Command, Option } from 'commander';
import type { ConnectionOptions, ConnectionOptionsInput, ConnectionSummary, MqttMessage } from '../../../shared/contract';
import { connectionOptions } from '../../../shared/contract';
import { type ConnectionIdentity, endpointIdentity } from '../../core/engine/connection-identity';
import { createConnectionManager } from '../../core/engine/connection-manager';
import type { History, HistoryEvent } from '../../core/history';
import { connectionFromFlags } from '../cli-connection-options';
import { CliFailure, EXIT, collect, dataDirOf, integerFlag } from '../cli-flags';
import { openStore, storeFlags, type StoreFlags } from './store-option';

interface RecordFlags extends StoreFlags {
  profile?: string[];
  url?: string[];
  topic?: string[];
  qos: string;
  clientId?: string;
  clean: string;
  sessionExpiry?: string;
  durable?: boolean;
  heartbeat: string;
  protocolVersion?: string;
  keepalive?: string;
  cafile?: string;
  insecure?: boolean;
  dataDir?: string;
  json?: boolean;
}

/** The topic of heartbeat rows: `$` keeps them out of `#` queries [MQTT-4.7.2-1], so they never mix with traffic. */
export const HEARTBEAT_TOPIC = '$workbench/heartbeat';

/** With --clean false and no --session-expiry: the broker keeps the session a day. */
const DEFAULT_SESSION_EXPIRY = 86_400;

const RECONNECT = { enabled: true, initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 0 };

/** A log line: `<ISO time> <event> <text>`, or one JSON object per line with --json. */
export type Log = (event: string, text: string, fields?: Record<string, unknown>) => void;

function createLog(json: boolean): Log {
  return (event, text, fields = {}) => {
    const ts = new Date().toISOString();
    process.stdout.write(json ? `${JSON.stringify({ ts, event, message: text, ...fields })}\n` : `${ts} ${event} ${text}\n`);
  };
}

/** mqtt://user:password@host:port (and mqtts, ws, wss with a path) as connection options. */
export function urlOptions(raw: string): ConnectionOptionsInput {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliFailure(`--url ${raw}: not a URL (mqtt://host:1883, mqtts://, ws://host:8083/mqtt, wss://)`, EXIT.usage);
  }
  const aliases: Record<string, ConnectionOptions['protocol']> = { mqtt: 'mqtt', tcp: 'mqtt', mqtts: 'mqtts', ssl: 'mqtts', tls: 'mqtts', ws: 'ws', wss: 'wss' };
  const protocol = aliases[url.protocol.replace(/:$/, '')];
  if (!protocol) throw new CliFailure(`--url ${raw}: the scheme must be mqtt, mqtts, ws or wss`, EXIT.usage);
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 8083, wss: 8084 }[protocol];
  return {
    protocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaultPort,
    ...(protocol === 'ws' || protocol === 'wss' ? { path: url.pathname && url.pathname !== '/' ? url.pathname : '/mqtt' } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** Where a connection's address is shown: never its password. */
function shown(options: ConnectionOptions): string {
  return `${options.protocol}://${options.host}:${options.port}`;
}

interface Target {
  options: ConnectionOptions;
  identity: ConnectionIdentity;
  filters: { filter: string; qos: 0 | 1 | 2 }[];
}

type ProfileModule = typeof import('../cli-profile');

/**
 * Every connection asked for, with the recorder's settings on top (reconnect always on). `profiles`:
 * the profile store's module, loaded by the caller only when a --profile was given (issue 19).
 */
function targets(flags: RecordFlags, profiles: ProfileModule | undefined): Target[] {
  const qos = Number(flags.qos) as 0 | 1 | 2;
  const clean = flags.clean !== 'false';
  const sessionExpiry = integerFlag(flags.sessionExpiry, '--session-expiry', 0, 0xffffffff);
  const sources = [...(flags.profile ?? []).map((name) => ({ profile: name })), ...(flags.url ?? []).map((url) => ({ url }))];
  if (sources.length === 0) throw new CliFailure('Give at least one --profile NAME or --url mqtt://host:port', EXIT.usage);
  return sources.map((source, index) => {
    const connection = {
      ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
      ...(flags.protocolVersion !== undefined ? { protocolVersion: flags.protocolVersion } : {}),
      ...(flags.keepalive !== undefined ? { keepalive: flags.keepalive } : {}),
    };
    const profile = 'profile' in source ? profiles!.loadProfile(source.profile, dataDirOf(connection)) : undefined;
    const input: ConnectionOptionsInput = {
      ...connectionFromFlags(connection, profile?.options),
      ...('url' in source ? urlOptions(source.url) : {}),
      reconnect: RECONNECT,
      durableCapture: Boolean(flags.durable),
      clean,
    };
    if (flags.clientId !== undefined) input.clientId = sources.length > 1 ? `${flags.clientId}-${index + 1}` : flags.clientId;
    if (sessionExpiry !== undefined) input.properties = { ...(input.properties ?? {}), sessionExpiryInterval: sessionExpiry };
    // MQTT 5 ends a session with Session Expiry 0 when the connection closes [MQTT-3.1.2-23]:
    // --clean false alone would keep nothing across a restart.
    else if (!clean && input.properties?.sessionExpiryInterval === undefined) input.properties = { ...(input.properties ?? {}), sessionExpiryInterval: DEFAULT_SESSION_EXPIRY };
    if (flags.cafile || flags.insecure) {
      input.tls = {
        ...(input.tls ?? {}),
        ...(flags.cafile ? { ca: [readFileSync(flags.cafile)] } : {}),
        rejectUnauthorized: !flags.insecure,
      };
    }
    if (!clean && !input.clientId) throw new CliFailure('A persistent session (--clean false) needs a fixed --client-id: the broker keeps the session under it', EXIT.usage);
    const parsed = connectionOptions.safeParse(input);
    if (!parsed.success) throw new CliFailure(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; '), EXIT.usage);
    const options = parsed.data;
    // The endpoint's key, not `profile:<id>`: profile ids are this machine's, an endpoint is the same
    // on every workbench that browses the shared capture. The profile's name is its label.
    const endpoint = endpointIdentity(options);
    const identity = 'profile' in source ? { key: endpoint.key, label: options.name || source.profile } : endpoint;
    const filters = flags.topic
      ? flags.topic.map((filter) => ({ filter, qos }))
      : profile?.subscriptions.some((s) => s.enabled)
        ? profile.subscriptions.filter((s) => s.enabled).map((s) => ({ filter: s.filter, qos: s.qos }))
        : [{ filter: '#', qos }];
    return { options, identity, filters };
  });
}

/** What a History event means to whoever reads the recorder's log. */
function logHistoryEvent(log: Log, event: HistoryEvent, labels: Map<string, string>): void {
  const gapText = (gaps: { connectionKey: string; dropped: number; reason: string }[]) =>
    gaps.map((g) => `${g.dropped} message(s) on ${labels.get(g.connectionKey) ?? g.connectionKey} (${g.reason})`).join('; ');
  if (event.type === 'store' && event.state === 'down') {
    log('store-down', `history store unreachable: ${event.error.message}; the write in flight is counted as a gap, new messages wait while it reconnects`, { error: event.error.message });
  } else if (event.type === 'store' && event.state === 'up') {
    log('store-back', `history store reachable again after ${(event.downMs / 1000).toFixed(1)} s`, { downMs: event.downMs });
    if (event.gaps.length > 0) log('gap-recorded', gapText(event.gaps), { gaps: event.gaps });
  } else if (event.type === 'backpressure' && event.dropping) {
    log('dropping', `history cannot keep up: dropping messages of ${labels.get(event.connectionKey) ?? event.connectionKey} (recorded as a gap)`);
  } else if (event.type === 'backpressure' && !event.dropping) {
    log('gap-recorded', gapText(event.gaps), { gaps: event.gaps });
  } else if (event.type === 'error') {
    log('store-error', event.error.message, { code: (event.error as { code?: string }).code });
  }
}

export function createRecordCommand(): Command {
  const command = new Command('record').description(COMMAND_SUMMARIES.record.description);
  command
    .option('--profile <name>', 'a saved profile to record (repeat for more); its subscriptions unless -t is given', collect)
    .option('--url <url>', 'a broker to record, mqtt://[user:password@]host[:port] (mqtts, ws, wss too; repeat for more)', collect)
    .option('-t, --topic <filter>', "topic filter (repeat for more; default '#', or a profile's saved subscriptions)", collect)
    .addOption(new Option('-q, --qos <qos>', 'QoS of the subscriptions').choices(['0', '1', '2']).default('1'))
    .option('-i, --client-id <id>', 'client id (with several brokers, -1, -2... are appended); needed for a persistent session')
    .addOption(new Option('--clean <bool>', 'false: a persistent session (the broker keeps what arrives while the recorder is away)').choices(['true', 'false']).default('true'))
    .option('--session-expiry <seconds>', 'MQTT 5 Session Expiry Interval (with --clean false; default 86400)')
    .option('--durable', 'acknowledge QoS 1/2 messages only after they are committed (with a persistent session nothing acknowledged is lost)')
    .option('--heartbeat <seconds>', `a heartbeat row per connection on ${HEARTBEAT_TOPIC} this often (0: none)`, '60')
    .addOption(new Option('-V, --protocol-version <version>', 'MQTT version (default: the profile\'s, or 5)').choices(['5', '311', '31', 'auto']))
    .option('-k, --keepalive <seconds>', 'keep alive in seconds (default 60)')
    .option('--cafile <file>', 'trusted CA certificate (PEM) for mqtts/wss brokers')
    .option('--insecure', "do not verify brokers' certificates (testing only)")
    .option('--data-dir <path>', "the app's data folder for --profile (default: WORKBENCH_DATA_DIR or the OS data folder)")
    .option('--json', 'log lines as JSON objects')
    .option('--defer-text-index', "PostgreSQL: index today's payload text once the day is over, not as it arrives (about 2x the ingest rate; a text search of today reads all of today's rows)");
  storeFlags(command, true);
  command
    .addHelpText(
      'after',
      `
Log lines (stdout), one per state change: recording, connected, reconnecting, disconnected,
store-down, store-back, gap-recorded, dropping, store-error, stopping, stopped.

Heartbeat rows: every --heartbeat seconds each connection gets a row on ${HEARTBEAT_TOPIC} (JSON:
recorder, status, received since the last beat), written whether the broker is up or not: a stretch
without heartbeats is a time the recorder was not running; "status":"reconnecting" a time the
broker was away. A '#' search never shows them ($ topics); search ${HEARTBEAT_TOPIC} to see them.

Examples:
  PGPASSWORD=... mqtt-workbench record --url mqtt://broker:1883 -t 'plant/#' --store postgres://recorder@db:5432/mqtt_history
  mqtt-workbench record --profile "Plant broker" --client-id plant-recorder --clean false --session-expiry 86400 --durable --store postgres://recorder@db/mqtt_history
  mqtt-workbench record --url mqtt://127.0.0.1 --store ./capture.db

Exit codes (it runs until stopped; an unreachable broker or PostgreSQL is retried, never an exit):
  0  stopped by SIGINT/SIGTERM after committing what was pending
  1  failure: the SQLite file cannot be opened, or an unexpected error
  2  usage error (unknown flag, bad value, no --url or --profile)
`,
    )
    .action(async (flags: RecordFlags) => {
      const log = createLog(Boolean(flags.json));
      const heartbeatSeconds = integerFlag(flags.heartbeat, '--heartbeat', 0, 86_400) ?? 60;
      const wanted = targets(flags, flags.profile?.length ? await import('../cli-profile') : undefined);
      const history: History = await openStore(flags, log);
      const labels = new Map(wanted.map((t) => [t.identity.key, t.identity.label]));
      let storeDown = false;
      let wentDown: () => void = () => {};
      history.onEvent((event) => {
        if (event.type === 'store') {
          storeDown = event.state === 'down';
          if (storeDown) wentDown();
        }
        logHistoryEvent(log, event, labels);
      });
      /** A flush, unless the database is away (then close() counts what waits as failed instead of hanging). */
      const flushUnlessDown = () =>
        storeDown ? Promise.resolve() : Promise.race([history.flush(), new Promise<void>((resolve) => (wentDown = resolve))]);

      const received = new Map<string, number>();
      const statusById = new Map<string, ConnectionSummary['status']>();
      const targetById = new Map<string, Target>();
      const manager = createConnectionManager({
        onStatus(summary) {
          const target = targetById.get(summary.connectionId);
          if (!target || statusById.get(summary.connectionId) === summary.status) return;
          statusById.set(summary.connectionId, summary.status);
          const name = `${target.identity.label} (${shown(target.options)})`;
          if (summary.status === 'connected') {
            log('connected', `${name}${summary.connack?.sessionPresent ? ', session resumed' : ''}`, { connection: target.identity.key, sessionPresent: summary.connack?.sessionPresent ?? false });
          } else if (summary.status === 'reconnecting') {
            const wait = summary.nextReconnectAt ? ` in ${Math.max(0, Math.round((summary.nextReconnectAt - Date.now()) / 1000))} s` : '';
            log('reconnecting', `${name}${wait}: ${summary.lastError?.message ?? 'connection lost'}`, { connection: target.identity.key });
          } else if (summary.status === 'disconnected') {
            log('disconnected', `${name}${summary.lastError ? `: ${summary.lastError.message}` : ''}`, { connection: target.identity.key });
          }
        },
        onMessage(message: MqttMessage, identity) {
          if (message.direction !== 'in') return;
          received.set(identity.key, (received.get(identity.key) ?? 0) + 1);
          return history.append(identity.key, message);
        },
        async committed() {
          // Failed batches (a database that went away) are not stored: durable capture must not acknowledge them.
          const failedBefore = history.stats().failed;
          await history.flush();
          return history.stats().failed === failedBefore;
        },
        whenRoom: () => history.whenRoom(),
      });

      let stopping = false;
      let stop: () => void = () => {};
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const onSignal = (signal: string) => () => {
        if (stopping) return;
        stopping = true;
        log('stopping', `${signal}: flushing history and disconnecting`);
        stop();
      };
      const onSigint = onSignal('SIGINT');
      const onSigterm = onSignal('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);

      /** The first connect: retried with backoff until it succeeds or the recorder is stopped (later drops, the engine reconnects). */
      async function connect(target: Target): Promise<void> {
        let delay = RECONNECT.initialDelayMs;
        for (;;) {
          await history.describeConnection(target.identity.key, target.identity.label).catch(() => undefined);
          try {
            const { connectionId } = await manager.connect(target.options, target.identity);
            targetById.set(connectionId, target);
            statusById.set(connectionId, 'connected');
            const connack = manager.list().find((c) => c.connectionId === connectionId)?.connack;
            log('connected', `${target.identity.label} (${shown(target.options)})${connack?.sessionPresent ? ', session resumed' : ''}`, {
              connection: target.identity.key,
              sessionPresent: connack?.sessionPresent ?? false,
            });
            for (const { filter, qos } of target.filters) await manager.subscribe({ connectionId, filter, qos, noLocal: false, retainAsPublished: true, retainHandling: 0 });
            return;
          } catch (error) {
            if (stopping) return;
            log('reconnecting', `${target.identity.label} (${shown(target.options)}) could not connect, trying again in ${Math.round(delay / 1000)} s: ${(error as Error).message}`, {
              connection: target.identity.key,
            });
            await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), stopped]);
            if (stopping) return;
            delay = Math.min(delay * 2, RECONNECT.maxDelayMs);
          }
        }
      }

      const heartbeats: ReturnType<typeof setInterval>[] = [];
      const recorder = `${hostname()}:${process.pid}`;
      const beat = (target: Target) => {
        const connection = [...targetById].find(([, t]) => t === target)?.[0];
        const status = connection ? (statusById.get(connection) ?? 'connecting') : 'connecting';
        const count = received.get(target.identity.key) ?? 0;
        received.set(target.identity.key, 0);
        const payload = new TextEncoder().encode(JSON.stringify({ recorder, status, received: count }));
        history.append(target.identity.key, { direction: 'in', topic: HEARTBEAT_TOPIC, payload, qos: 0, retain: false, dup: false, timestamp: Date.now() });
      };

      try {
        await Promise.race([Promise.all(wanted.map(connect)), stopped]);
        if (!stopping) {
          if (heartbeatSeconds > 0) {
            for (const target of wanted) {
              beat(target);
              heartbeats.push(setInterval(() => beat(target), heartbeatSeconds * 1000));
            }
          }
          log(
            'recording',
            `${wanted.length} connection(s) (${wanted.map((t) => `${t.identity.label}: ${t.filters.map((f) => f.filter).join(', ')}`).join('; ')})${flags.durable ? ', durable' : ''}`,
          );
          await stopped;
        }
      } finally {
        for (const timer of heartbeats) clearInterval(timer);
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        // Commit first, so the acknowledgements durable capture holds go out; then disconnect.
        await flushUnlessDown();
        await manager.closeAll();
        await history.close();
        const stats = history.stats();
        log('stopped', `${stats.written} message(s) written, ${stats.dropped} dropped, ${stats.failed} failed (recorded as gaps)`, {
          written: stats.written,
          dropped: stats.dropped,
          failed: stats.failed,
        });
      }
    });
  return command;
}
