import type { IClientSubscribeOptions, MqttClient } from 'mqtt';
import {
  type ActiveSubscription,
  type ConnackInfo,
  type ConnectionOptions,
  type ConnectionProblem,
  type ConnectionStatus,
  type ConnectionSummary,
  type ErrorCode,
  type ErrorParams,
  MAX_CONNECTION_PROBLEMS,
  MAX_LISTED_SUBSCRIPTIONS,
  type MqttVersion,
} from '../../../shared/contract';
import type { DescribedError } from './connect-errors';
import type { ConnectionIdentity } from './connection-identity';
import type { DurableAcks } from './durable-acks';
import type { OutgoingTracker } from './outgoing-tracker';
import type { RequestTracker } from './request-tracker';
import type { ScramClient } from './scram';

/** One connection the manager holds: its options, its mqtt.js client and what it shows in its summary. */
export interface Connection {
  id: string;
  identity: ConnectionIdentity;
  options: ConnectionOptions;
  client: MqttClient;
  url: string;
  clientId: string;
  /** The MQTT version in use (the one tried, while connecting). */
  version: MqttVersion;
  /** Why 'auto' left a newer version, once it did. */
  versionNote?: string;
  status: ConnectionStatus;
  reconnectAttempts: number;
  reconnectTimer?: ReturnType<typeof setTimeout>;
  nextReconnectAt?: number;
  /** Set once the user asked to disconnect: no reconnect after that. */
  closing: boolean;
  /** A CONNACK arrived on the current network connection. */
  acknowledged: boolean;
  connectedAt?: number;
  /** Connections closed within QUICK_CLOSE_MS of their CONNACK, in a row. */
  quickCloses: number;
  /** The error that is about to close the current network connection, so the close reports it. */
  closeCause?: DescribedError;
  /** The reason code of a DISCONNECT the broker sent on the current network connection. */
  disconnectReason?: number;
  connack?: ConnackInfo;
  lastError?: { code: string; message: string; params?: ErrorParams };
  problems: ConnectionProblem[];
  problemCount: number;
  hiddenDollarMessages: number;
  /** A status event is due (see emitStatusSoon). */
  statusTimer?: ReturnType<typeof setTimeout>;
  requests: RequestTracker;
  tracker: OutgoingTracker;
  /** QoS 2 PUBLISHes the broker answered with PUBACK, until their publish() settles. */
  handledAsQos1: Set<number>;
  /** Topic Aliases this network connection has set (MQTT 5, 3.3.2.3.4): alias → topic. */
  aliases: Map<number, string>;
  /**
   * Subscriptions by filter, replayed after a reconnect whose session the broker did not keep.
   * Entered when the SUBSCRIBE is sent (a broker may deliver before its SUBACK); `granted` once it came.
   */
  subscriptions: Map<string, { granted?: ActiveSubscription; mqtt: IClientSubscribeOptions }>;
  /** The SCRAM exchange of the current attempt, when enhanced authentication is on. */
  scram?: ScramClient;
  /** Durable capture's held acknowledgements, when it is on. */
  durable?: DurableAcks;
}

/** Status events for per-message changes (problems, hidden messages) come at most this often. */
const COALESCED_STATUS_MS = 200;

export function summarize(connection: Connection): ConnectionSummary {
  const summary: ConnectionSummary = {
    connectionId: connection.id,
    name: connection.options.name || `${connection.options.host}:${connection.options.port}`,
    connectionKey: connection.identity.key,
    status: connection.status,
    url: connection.url,
    protocolVersion: connection.version,
    requestedVersion: connection.options.protocolVersion,
    clientId: connection.clientId,
    reconnectAttempts: connection.reconnectAttempts,
    problems: connection.problems.slice(),
    problemCount: connection.problemCount,
    hiddenDollarMessages: connection.hiddenDollarMessages,
    subscriptions: grantedSubscriptions(connection),
  };
  if (connection.versionNote) summary.versionNote = connection.versionNote;
  if (connection.nextReconnectAt !== undefined) summary.nextReconnectAt = connection.nextReconnectAt;
  if (connection.connack) summary.connack = connection.connack;
  if (connection.lastError) summary.lastError = connection.lastError;
  return summary;
}

function grantedSubscriptions(connection: Connection): ActiveSubscription[] {
  const list: ActiveSubscription[] = [];
  for (const { granted } of connection.subscriptions.values()) {
    if (granted) list.push(granted);
    if (list.length === MAX_LISTED_SUBSCRIPTIONS) break;
  }
  return list;
}

/** How a connection's status, errors and problems reach the status events. */
export interface StatusReporter {
  emitStatus(connection: Connection): void;
  /** `error` becomes the last error; it stays while connected and is cleared by the next CONNACK. */
  setStatus(connection: Connection, status: ConnectionStatus, error?: { code: string; message: string; params?: ErrorParams }): void;
  /** For changes that may come per message (problems, hidden `$` messages): one status event per interval. */
  emitStatusSoon(connection: Connection): void;
  /** Kept in the connection's problems list (bounded); the next status event carries it. */
  recordProblem(connection: Connection, problem: { code: ErrorCode; message: string; params?: ErrorParams | undefined; emitSoon?: boolean }): void;
}

export function createStatusReporter(deps: {
  onStatus(summary: ConnectionSummary): void;
  /** A coalesced event is dropped for a connection that is gone by then. */
  isOpen(connectionId: string): boolean;
}): StatusReporter {
  const emitStatus = (connection: Connection) => deps.onStatus(summarize(connection));
  const emitStatusSoon = (connection: Connection) => {
    connection.statusTimer ??= setTimeout(() => {
      delete connection.statusTimer;
      if (deps.isOpen(connection.id)) emitStatus(connection);
    }, COALESCED_STATUS_MS);
  };
  return {
    emitStatus,
    emitStatusSoon,
    setStatus(connection, status, error) {
      if (error) connection.lastError = error;
      if (connection.status === status && !error) return;
      connection.status = status;
      emitStatus(connection);
    },
    recordProblem(connection, { code, message, params, emitSoon = true }) {
      connection.problems.push({ code, message, ...(params ? { params } : {}), timestamp: Date.now() });
      if (connection.problems.length > MAX_CONNECTION_PROBLEMS) connection.problems.shift();
      connection.problemCount++;
      if (emitSoon) emitStatusSoon(connection);
    },
  };
}
