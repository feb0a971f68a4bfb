import { randomBytes } from 'node:crypto';
import mqttPacket from 'mqtt-packet';
import mqtt, { type IClientPublishOptions, type IClientSubscribeOptions, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import {
  type ConnackInfo,
  type ConnectionOptions,
  type ConnectionProblem,
  type ConnectionStatus,
  type ActiveSubscription,
  type ConnectionSummary,
  type ErrorCode,
  MAX_CONNECTION_PROBLEMS,
  MAX_LISTED_SUBSCRIPTIONS,
  type MqttMessage,
  type MqttVersion,
  type RequestOutput,
  type RequestParsed,
  WorkbenchFailure,
} from '../../../shared/contract';
import { RC, describeReason } from '../../../shared/mqtt/reason-codes';
import { brokerUrl, toMqttJsOptions } from './client-options';
import { holdWhileCrowded } from './ingest-backpressure';
import { type DescribedError, closedBeforeConnack, describeConnectError, describeEstablishedError } from './connect-errors';
import { deliveredAgainstDollarRule } from './dollar-topics';
import { type DurableAcks, holdAcksUntilCommitted } from './durable-acks';
import { type OutgoingTracker, type SentPacket, createOutgoingTracker } from './outgoing-tracker';
import { versionLabel } from '../../../shared/mqtt/versions';
import { fallbackNote, isVersionRefusal, versionsToTry } from './version-fallback';
import { type ConnectionIdentity, endpointIdentity, profileIdOf } from './connection-identity';
import { asBuffer, asBytes, displayable, receivedPublishProperties, toMqttJsUserProperties } from './mqtt-properties';
import { reconnectDelayMs } from './reconnect-policy';
import { type ScramClient, createScramClient } from './scram';
import { type RequestTracker, createRequestTracker } from './request-tracker';

export interface ConnectionManagerEvents {
  onStatus(summary: ConnectionSummary): void;
  /** `identity`: the connection's stable identity, for history (the id restarts at c1 each run). */
  /** Returns false when History refused the message (durable capture then does not acknowledge it). */
  onMessage(message: MqttMessage, identity: ConnectionIdentity): boolean | void;
  /** Resolves once History committed every message given to onMessage so far (false: it could not). */
  committed?(): Promise<boolean>;
  /** Every packet in and out, for the packet inspector (see packet-inspector.ts). */
  onPacket?(connectionId: string, direction: 'in' | 'out', packet: Packet, problem?: string): void;
  /** Null while received messages can be taken; else resolves when they can (history's backpressure, see ingest-backpressure.ts). */
  whenRoom?(): Promise<void> | null;
}

/** A connection that lives this long after its CONNACK was not closed "at once". */
const QUICK_CLOSE_MS = 10_000;
/** New connections closed at once, in a row, before reconnecting stops with a visible error. */
const QUICK_CLOSES_BEFORE_STOP = 5;
/** A close this soon after an unanswered PUBLISH/SUBSCRIBE is taken as the broker's answer to it. */
const REFUSAL_WINDOW_MS = 3000;
/** A close after a QoS 1/2 PUBLISH this many times in a row: the broker refuses it; stop resending. */
const STRIKES_BEFORE_REFUSED = 2;
/** Status events for per-message changes (problems, hidden messages) come at most this often. */
const COALESCED_STATUS_MS = 200;
/** DISCONNECT reasons about the server or the session, not about the packet just sent. */
const NOT_ABOUT_THE_PACKET = new Set<number>([
  RC.SUCCESS,
  RC.DISCONNECT_WITH_WILL,
  RC.SERVER_BUSY,
  RC.SERVER_SHUTTING_DOWN,
  RC.KEEP_ALIVE_TIMEOUT,
  RC.SESSION_TAKEN_OVER,
  RC.ADMINISTRATIVE_ACTION,
  RC.USE_ANOTHER_SERVER,
  RC.SERVER_MOVED,
  RC.MAXIMUM_CONNECT_TIME,
]);

interface Connection {
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
  lastError?: { code: string; message: string };
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

type SubscribeInput = RequestParsed<'messages.subscribe'>;
type PublishInput = RequestParsed<'messages.publish'>;
type RequestInput = RequestParsed<'messages.request'>;

export interface ConnectionManager {
  /** `identity` defaults to the endpoint's (see connection-identity.ts); a saved profile passes its own. */
  connect(options: ConnectionOptions, identity?: ConnectionIdentity): Promise<RequestOutput<'connections.connect'>>;
  disconnect(connectionId: string): Promise<void>;
  subscribe(input: SubscribeInput): Promise<RequestOutput<'messages.subscribe'>>;
  unsubscribe(connectionId: string, filter: string): Promise<void>;
  publish(input: PublishInput): Promise<void>;
  request(input: RequestInput): Promise<RequestOutput<'messages.request'>>;
  list(): ConnectionSummary[];
  has(connectionId: string): boolean;
  /** Closes every connection (app shutdown). */
  closeAll(): Promise<void>;
}

/** Bytes on the wire of a PUBLISH: encoded once without its payload, then the payload's length added. */
function publishPacketSize(topic: string, payloadBytes: number, qos: 0 | 1 | 2, properties: object | undefined): number {
  const empty = mqttPacket.generate(
    { cmd: 'publish', topic, payload: Buffer.alloc(0), qos, messageId: qos > 0 ? 1 : undefined, retain: false, dup: false, properties } as mqttPacket.IPublishPacket,
    { protocolVersion: 5 },
  );
  const varintBytes = (n: number) => (n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4);
  let headerless = 0;
  for (let v = 1; v <= 4; v++) if (varintBytes(empty.length - 1 - v) === v) headerless = empty.length - 1 - v;
  const remaining = headerless + payloadBytes;
  return 1 + varintBytes(remaining) + remaining;
}

export function generateClientId(): string {
  return `mqtt-workbench-${randomBytes(4).toString('hex')}`;
}

function connackInfo(packet: { sessionPresent?: boolean; reasonCode?: number; returnCode?: number; properties?: object }): ConnackInfo {
  const info: ConnackInfo = { sessionPresent: Boolean(packet.sessionPresent), reasonCode: packet.reasonCode ?? packet.returnCode ?? 0 };
  if (packet.properties && Object.keys(packet.properties).length > 0) {
    info.properties = displayable(packet.properties) as Record<string, unknown>;
  }
  return info;
}

function describeSuspect(suspect: SentPacket): string {
  if (suspect.cmd === 'publish') return `the QoS ${suspect.qos} PUBLISH to '${suspect.topic}'`;
  return `the ${suspect.cmd.toUpperCase()} of '${suspect.topic}'${suspect.cmd === 'subscribe' ? ` at QoS ${suspect.qos}` : ''}`;
}

/** What the broker may not allow, by packet: said in the refusal, since a close carries no reason. */
function mayNotAllow(suspect: SentPacket): string {
  if (suspect.cmd === 'publish') return `it may not allow ${suspect.qos === 2 ? 'QoS 2 (NATS does not support it), ' : ''}this topic, or publishing for this user`;
  return `it may not allow this filter${suspect.qos === 2 ? ', QoS 2' : ''}, or subscribing for this user`;
}

function toPublishOptions(qos: 0 | 1 | 2, retain: boolean, properties: PublishInput['properties'], isV5: boolean): IClientPublishOptions {
  const options: IClientPublishOptions = { qos, retain };
  if (isV5 && properties) {
    const { userProperties, correlationData, ...rest } = properties;
    options.properties = Object.fromEntries(
      Object.entries({
        ...rest,
        correlationData: correlationData ? asBuffer(correlationData) : undefined,
        userProperties: toMqttJsUserProperties(userProperties),
      }).filter(([, v]) => v !== undefined),
    );
  }
  return options;
}

export function createConnectionManager(events: ConnectionManagerEvents): ConnectionManager {
  const connections = new Map<string, Connection>();
  let nextId = 1;

  function summarize(connection: Connection): ConnectionSummary {
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
    const profileId = profileIdOf(connection.identity);
    if (profileId !== undefined) summary.profileId = profileId;
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

  function emitStatus(connection: Connection): void {
    events.onStatus(summarize(connection));
  }

  /** `error` becomes the last error; it stays while connected and is cleared by the next CONNACK. */
  function setStatus(connection: Connection, status: ConnectionStatus, error?: { code: string; message: string }): void {
    if (error) connection.lastError = error;
    if (connection.status === status && !error) return;
    connection.status = status;
    emitStatus(connection);
  }

  /** For changes that may come per message (problems, hidden `$` messages): one status event per interval. */
  function emitStatusSoon(connection: Connection): void {
    connection.statusTimer ??= setTimeout(() => {
      delete connection.statusTimer;
      if (connections.has(connection.id)) emitStatus(connection);
    }, COALESCED_STATUS_MS);
  }

  /** Kept in the connection's problems list (bounded); the next status event carries it. */
  function recordProblem(connection: Connection, code: ErrorCode, message: string, emitSoon = true): void {
    connection.problems.push({ code, message, timestamp: Date.now() });
    if (connection.problems.length > MAX_CONNECTION_PROBLEMS) connection.problems.shift();
    connection.problemCount++;
    if (emitSoon) emitStatusSoon(connection);
  }

  function find(connectionId: string): Connection {
    const connection = connections.get(connectionId);
    if (!connection) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`);
    return connection;
  }

  function findConnected(connectionId: string): Connection {
    const connection = find(connectionId);
    if (!connection.client.connected) {
      throw new WorkbenchFailure('NOT_CONNECTED', `Connection ${summarize(connection).name} is ${connection.status}`);
    }
    return connection;
  }

  /** Starts a fresh SCRAM exchange (new nonce) for the next CONNECT, and answers the broker's AUTH. */
  function prepareEnhancedAuth(connection: Connection): void {
    const auth = connection.options.enhancedAuth;
    if (!auth) return;
    const scram = createScramClient(auth.method, connection.options.username ?? '', connection.options.password ?? '');
    connection.scram = scram;
    const properties = (connection.client.options.properties ??= {});
    properties.authenticationMethod = auth.method;
    properties.authenticationData = scram.clientFirst();
    connection.client.handleAuth = (packet, callback) => {
      try {
        const serverFirst = packet.properties?.authenticationData ?? Buffer.alloc(0);
        const clientFinal = connection.scram!.clientFinal(serverFirst);
        callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: auth.method, authenticationData: clientFinal } });
      } catch (error) {
        callback(Object.assign(new Error((error as Error).message), { code: 'SCRAM' }));
      }
    };
  }

  /** The server's final SCRAM message proves it knew the password; without it we do not trust it. */
  function verifyEnhancedAuth(connection: Connection, connack: { properties?: { authenticationData?: Buffer; authenticationMethod?: string } }): string | null {
    if (!connection.scram) return null;
    if (!connack.properties?.authenticationMethod) {
      // The broker accepted CONNECT without taking part in SCRAM: it ignores enhanced authentication.
      return `The broker accepted the connection without taking part in ${connection.options.enhancedAuth!.method} (its CONNACK names no Authentication Method): it does not support this enhanced authentication, so it could not prove it knows the password. Turn enhanced authentication off (General → Authentication) or enable SCRAM on the broker.`;
    }
    try {
      connection.scram.verifyServerFinal(connack.properties?.authenticationData ?? Buffer.alloc(0));
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** The broker forgot the session (clean start or expired): subscribe again to what the user had. */
  function resubscribe(connection: Connection): void {
    for (const [filter, { mqtt: options }] of connection.subscriptions) {
      connection.client.subscribe(filter, options, (error, granted) => {
        const code = granted?.[0]?.qos ?? 0;
        if (error || code >= 0x80) {
          // A refused filter is not tried again at every reconnect: that would close each new connection.
          connection.subscriptions.delete(filter);
          const why = error ? (error.message === 'Connection closed' ? 'the broker closed the connection before answering' : error.message) : `SUBACK ${describeReason(code, 'suback')}`;
          const message = `Resubscribing to ${filter} after reconnect failed: ${why}. It was removed from this connection's subscriptions.`;
          recordProblem(connection, 'SUBSCRIBE_FAILED', message, false);
          setStatus(connection, connection.status, { code: 'SUBSCRIBE_FAILED', message });
        }
      });
    }
  }

  /** After an established connection drops: retry with backoff until the cap, visibly. */
  function scheduleReconnect(connection: Connection): void {
    const policy = connection.options.reconnect;
    if (connection.closing || connection.reconnectTimer) return;
    if (!policy.enabled || (policy.maxAttempts > 0 && connection.reconnectAttempts >= policy.maxAttempts)) {
      const last = connection.lastError ? ` The last attempt: ${connection.lastError.message}` : '';
      const gaveUp = policy.enabled
        ? { code: 'RECONNECT_STOPPED', message: `Gave up after ${connection.reconnectAttempts} reconnect attempts.${last}` }
        : undefined;
      delete connection.nextReconnectAt;
      setStatus(connection, 'disconnected', gaveUp);
      return;
    }
    connection.reconnectAttempts++;
    const delay = reconnectDelayMs(connection.reconnectAttempts, policy.initialDelayMs, policy.maxDelayMs);
    connection.nextReconnectAt = Date.now() + delay;
    connection.status = 'reconnecting';
    emitStatus(connection);
    connection.reconnectTimer = setTimeout(() => {
      delete connection.reconnectTimer;
      if (connection.closing) return;
      // Keep the in-flight QoS 1/2 stores so nothing queued is lost across the reconnect.
      const client = connection.client as MqttClient & { incomingStore: never; outgoingStore: never };
      startNetworkConnection(connection);
      prepareEnhancedAuth(connection);
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delay);
  }

  function startNetworkConnection(connection: Connection): void {
    connection.acknowledged = false;
    delete connection.closeCause;
    delete connection.disconnectReason;
    connection.aliases.clear();
    connection.tracker.newNetworkConnection();
    connection.durable?.reset();
  }

  /**
   * The broker closed an established connection. A PUBLISH or SUBSCRIBE it left unanswered just
   * before is the likely reason (brokers without MQTT 5 reason codes refuse by closing): a SUBSCRIBE
   * fails at once; a QoS 1/2 PUBLISH is sent once more (a broker restart must not lose it) and taken
   * out of the store when the next connection closes after it too, or at once when a DISCONNECT
   * reason says so; a QoS 0 PUBLISH cannot be recalled, but is named. Returns the refusal, if any.
   */
  function explainClose(connection: Connection): DescribedError | null {
    if (connection.closeCause && connection.closeCause.code !== 'BROKER_DISCONNECTED') return null; // a socket error or timeout: not a refusal
    const reason = connection.disconnectReason;
    if (reason !== undefined && NOT_ABOUT_THE_PACKET.has(reason)) return null;
    const suspects = connection.tracker.suspects(Date.now(), REFUSAL_WINDOW_MS);
    if (suspects.length === 0) return null;
    const refusedByReason = reason !== undefined && reason >= 0x80;
    const because = refusedByReason ? ` with DISCONNECT ${describeReason(reason)}` : '';
    let refusal: DescribedError | null = null;
    let note: DescribedError | null = null;
    for (const suspect of suspects) {
      if (suspect.cmd === 'publish' && suspect.qos > 0) {
        const strikes = connection.tracker.strike(suspect.messageId);
        if (!refusedByReason && strikes < STRIKES_BEFORE_REFUSED) {
          // Sent once more after the reconnect: a broker that restarted must not lose it.
          note = {
            code: 'CONNECTION_LOST',
            message: `The broker closed the connection right after ${describeSuspect(suspect)}, which was not acknowledged: it will be sent once more, and taken out of the queue if the broker closes the connection again.`,
          };
          continue;
        }
        const message = `The broker closed the connection${because} right after ${describeSuspect(suspect)}${strikes > 1 ? `, ${strikes} times` : ''}: ${mayNotAllow(suspect)}. The message was taken out of the queue and will not be sent again.`;
        takeOutOfQueue(connection, suspect.messageId, message);
        refusal = { code: 'MESSAGE_REFUSED', message };
      } else if (suspect.cmd === 'publish') {
        refusal = {
          code: 'MESSAGE_REFUSED',
          message: `The broker closed the connection${because} right after ${describeSuspect(suspect)}: ${mayNotAllow(suspect)}. QoS 0 is never acknowledged, so the message was most likely lost.`,
        };
      } else {
        refusal = { code: 'MESSAGE_REFUSED', message: `The broker closed the connection${because} right after ${describeSuspect(suspect)}: ${mayNotAllow(suspect)}.` };
      }
    }
    return refusal ?? note;
  }

  /**
   * Takes a refused QoS 1/2 PUBLISH out of mqtt.js's outgoing store, so no reconnect sends it again,
   * and settles its publish() with the reason (mqtt.js would say only "Message removed").
   */
  function takeOutOfQueue(connection: Connection, messageId: number, reason: string): void {
    connection.tracker.forget(messageId);
    const entry = connection.client.outgoing[messageId];
    if (entry) {
      const settle = entry.cb;
      entry.cb = () => settle(Object.assign(new Error(reason), { refusedByBroker: true }));
    }
    connection.client.removeOutgoingMessage(messageId);
  }

  /** An established network connection closed (not by the user): say why, then reconnect or stop. */
  function onEstablishedClose(connection: Connection): void {
    connection.requests.failAll('CONNECTION_CLOSED');
    const refusal = explainClose(connection);
    const cause = refusal ?? connection.closeCause ?? { code: 'CONNECTION_LOST' as const, message: `The broker at ${connection.url} closed the connection` };
    // Errors were recorded when they happened; a close with no error before it is recorded here.
    if (!connection.closeCause || refusal) recordProblem(connection, cause.code, cause.message, false);
    const livedMs = connection.connectedAt === undefined ? 0 : Date.now() - connection.connectedAt;
    connection.quickCloses = livedMs < QUICK_CLOSE_MS ? connection.quickCloses + 1 : 0;
    connection.lastError = cause;
    if (connection.quickCloses >= QUICK_CLOSES_BEFORE_STOP) {
      const message = `Reconnecting stopped: the broker closed the connection ${connection.quickCloses} times in a row within ${QUICK_CLOSE_MS / 1000} s of accepting it. The last time: ${cause.message} Check the broker's log (permissions, another client with the same client id), then connect again.`;
      recordProblem(connection, 'RECONNECT_STOPPED', message, false);
      connection.closing = true;
      delete connection.nextReconnectAt;
      setStatus(connection, 'disconnected', { code: 'RECONNECT_STOPPED', message });
      return;
    }
    scheduleReconnect(connection);
  }

  /**
   * One attempt at CONNECT in one MQTT version: a new mqtt.js client with every listener on it.
   * Resolves with the CONNACK; rejects with the described failure (the client is then ended).
   */
  function attempt(connection: Connection, version: MqttVersion): Promise<ConnackInfo> {
    const { options, url } = connection;
    let client: MqttClient;
    try {
      client = mqtt.connect(url, toMqttJsOptions(options, connection.clientId, version));
    } catch (error) {
      // mqtt.js builds the TLS context synchronously: a wrong passphrase or a broken key throws here.
      const described = describeConnectError(error, url, version);
      return Promise.reject(new WorkbenchFailure(described.code, described.message));
    }
    connection.client = client;
    connection.version = version;
    startNetworkConnection(connection);

    /** QoS 2 messages durable capture delivered at their PUBLISH (see below), not again at PUBREL. */
    const deliveredEarly = new WeakSet<object>();
    const deliver = (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (!options.keepDollarTopicsOnWildcards && deliveredAgainstDollarRule(topic, connection.subscriptions.keys())) {
        connection.hiddenDollarMessages++;
        emitStatusSoon(connection);
        return;
      }
      const message: MqttMessage = {
        connectionId: connection.id,
        direction: 'in',
        topic,
        payload: asBytes(payload),
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
        timestamp: Date.now(),
      };
      const properties = receivedPublishProperties(packet.properties);
      if (properties) message.properties = properties;
      connection.requests.offer(message);
      const stored = events.onMessage(message, connection.identity);
      if (stored === false && connection.durable) {
        // Never acknowledge what History did not take: close, and the broker delivers it again.
        recordProblem(connection, 'HISTORY_FAILED', `History did not take a QoS ${message.qos} message on '${topic}': durable capture closed the connection unacknowledged, so the broker delivers it again.`);
        client.stream?.destroy();
      }
    };
    client.on('message', (topic, payload, packet) => {
      if (!deliveredEarly.has(packet)) deliver(topic, payload, packet);
    });
    if (events.whenRoom) holdWhileCrowded(client, events.whenRoom, options.keepaliveSeconds);
    if (options.durableCapture && events.committed) {
      // A QoS 2 message reaches 'message' only at PUBREL, after the PUBREC: deliver it at its PUBLISH instead.
      client.options.customHandleAcks = (topic, payload, packet, done) => {
        if (packet.qos === 2) {
          deliveredEarly.add(packet);
          deliver(topic, payload as Buffer, packet);
        }
        done(0);
      };
      connection.durable = holdAcksUntilCommitted(client, events.committed, (messageId) => {
        recordProblem(connection, 'HISTORY_FAILED', `History could not commit message ${messageId ?? ''}: it was not acknowledged, so the broker keeps it (durable capture).`);
      });
    } else delete connection.durable;
    client.on('packetsend', (packet) => {
      connection.tracker.sent(packet);
      events.onPacket?.(connection.id, 'out', packet);
    });
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'connack' && ((packet.reasonCode ?? packet.returnCode ?? 0) as number) < 0x80 && ((packet.returnCode ?? 0) as number) === 0) {
        // Before mqtt.js emits 'connect' it resends the stored messages: a close then is the broker's answer to them.
        connection.acknowledged = true;
        connection.connectedAt = Date.now();
      }
      const check = connection.tracker.received(packet);
      if (check?.problem) recordProblem(connection, 'PROTOCOL_VIOLATION', check.problem);
      if (check?.downgraded) connection.handledAsQos1.add(check.downgraded.messageId);
      events.onPacket?.(connection.id, 'in', packet, check?.problem);
    });

    return new Promise((resolve, reject) => {
      let settled = false;
      const timeout = setTimeout(() => {
        failAttempt({ code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within ${options.connectTimeoutMs} ms` });
      }, options.connectTimeoutMs);

      function failAttempt(error: DescribedError): void {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        try {
          client.end(true);
        } catch {
          // No stream was ever made (the TLS context failed): nothing to close.
        }
        reject(new WorkbenchFailure(error.code, error.message));
      }

      client.on('connect', (connack) => {
        // mqtt.js emits 'connect' after resending its stored messages; the broker may have closed meanwhile.
        if (client !== connection.client || !client.connected || connection.reconnectTimer) return;
        const scramProblem = verifyEnhancedAuth(connection, connack);
        if (scramProblem) {
          if (!settled) failAttempt({ code: 'AUTH_FAILED', message: scramProblem });
          else {
            connection.closing = true;
            client.end(true);
            setStatus(connection, 'disconnected', { code: 'AUTH_FAILED', message: scramProblem });
          }
          return;
        }
        connection.connack = connackInfo(connack);
        const isReconnect = settled;
        if (isReconnect && !connection.connack.sessionPresent) resubscribe(connection);
        connection.reconnectAttempts = 0;
        delete connection.nextReconnectAt;
        delete connection.lastError; // the next success clears the last error
        if (isReconnect) {
          connection.status = 'connected';
          emitStatus(connection);
          return;
        }
        settled = true;
        clearTimeout(timeout);
        resolve(connection.connack);
      });
      client.on('close', () => {
        if (client !== connection.client) return;
        if (!settled) {
          // No error came first: TCP (and TLS or the upgrade) had connected, then the broker closed.
          failAttempt(connection.closeCause ?? closedBeforeConnack(url, version));
          return;
        }
        if (connection.closing) return;
        if (!connection.acknowledged) {
          // A reconnect attempt that never got its CONNACK.
          connection.lastError = connection.closeCause ?? closedBeforeConnack(url, version);
          scheduleReconnect(connection);
          return;
        }
        connection.acknowledged = false;
        onEstablishedClose(connection);
      });
      client.on('error', (error) => {
        if (client !== connection.client) return;
        if (!settled) {
          failAttempt(describeConnectError(error, url, version));
          return;
        }
        if (!connection.acknowledged) {
          connection.closeCause = describeConnectError(error, url, version);
          setStatus(connection, connection.status, connection.closeCause);
          return;
        }
        const described = describeEstablishedError(error, url, options.keepaliveSeconds);
        connection.closeCause = described;
        recordProblem(connection, described.code, described.message, false);
        setStatus(connection, connection.status, described);
        // A packet that cannot be read leaves the stream out of step: close it [MQTT-4.13.1-1].
        if (described.code === 'PROTOCOL_ERROR') client.stream?.destroy();
      });
      client.on('disconnect', (packet) => {
        // The broker sent DISCONNECT (MQTT 5): keep its reason visible.
        const code = packet.reasonCode ?? 0;
        const reason = packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : '';
        connection.disconnectReason = code;
        connection.closeCause = { code: 'BROKER_DISCONNECTED', message: `The broker disconnected with ${describeReason(code)}${reason}` };
      });
      prepareEnhancedAuth(connection);
      try {
        client.connect();
      } catch (error) {
        // mqtt.js builds the TLS context here, synchronously: a wrong passphrase or a broken key throws.
        failAttempt(describeConnectError(error, url, version));
      }
    });
  }

  return {
    async connect(options, identity = endpointIdentity(options)) {
      const id = `c${nextId++}`;
      const clientId = options.clientId || generateClientId();
      const url = brokerUrl(options);
      const versions = versionsToTry(options);
      const connection: Connection = {
        id,
        identity,
        options,
        client: undefined as unknown as MqttClient, // set by attempt()
        url,
        clientId,
        version: versions[0]!,
        status: 'connecting',
        reconnectAttempts: 0,
        closing: false,
        acknowledged: false,
        quickCloses: 0,
        problems: [],
        problemCount: 0,
        hiddenDollarMessages: 0,
        requests: createRequestTracker(),
        tracker: createOutgoingTracker(),
        aliases: new Map(),
        handledAsQos1: new Set(),
        subscriptions: new Map(),
      };
      connections.set(id, connection);
      const refusedVersions: { version: MqttVersion; code: ErrorCode }[] = [];
      for (const [index, version] of versions.entries()) {
        connection.version = version;
        emitStatus(connection);
        try {
          const connack = await attempt(connection, version);
          if (refusedVersions.length > 0) {
            const droppedV5Options = Boolean(options.properties || options.will?.properties);
            connection.versionNote = fallbackNote(refusedVersions, version, droppedV5Options);
          }
          setStatus(connection, 'connected');
          return { connectionId: id, clientId, sessionPresent: connack.sessionPresent, connack, protocolVersion: version };
        } catch (error) {
          const failure = error instanceof WorkbenchFailure ? error : new WorkbenchFailure('INTERNAL', String(error));
          const userClosed = connection.closing;
          if (!userClosed && isVersionRefusal(failure.code) && index < versions.length - 1) {
            refusedVersions.push({ version, code: failure.code });
            continue;
          }
          const tried =
            refusedVersions.length > 0
              ? ` (Auto tried MQTT ${[...refusedVersions.map((r) => versionLabel(r.version)), versionLabel(version)].join(', then ')}.)`
              : '';
          const final = new WorkbenchFailure(failure.code, `${failure.message}${tried}`);
          connection.closing = true;
          connections.delete(id);
          setStatus(connection, 'disconnected', { code: final.code, message: final.message });
          throw final;
        }
      }
      throw new WorkbenchFailure('INTERNAL', 'No MQTT version to try');
    },

    async disconnect(connectionId) {
      const connection = find(connectionId);
      connection.closing = true;
      if (connection.reconnectTimer) clearTimeout(connection.reconnectTimer);
      if (connection.statusTimer) clearTimeout(connection.statusTimer);
      delete connection.nextReconnectAt;
      connections.delete(connectionId);
      connection.requests.failAll('CONNECTION_CLOSED');
      // A connected client says DISCONNECT; one that is reconnecting is just torn down.
      const force = !connection.client.connected;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          connection.client.end(true);
          resolve();
        }, 2000);
        connection.client.end(force, {}, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      setStatus(connection, 'disconnected');
    },

    async subscribe(input) {
      const connection = findConnected(input.connectionId);
      const isV5 = connection.version === 5;
      const { filter } = input;
      if (!isV5 && filter.startsWith('$share/') && !input.literalSharedSubscription) {
        return Promise.reject(
          new WorkbenchFailure(
            'SHARED_SUBSCRIPTION_UNSUPPORTED',
            `'${filter}' is a shared subscription, which MQTT ${versionLabel(connection.version)} does not define: NATS, RabbitMQ and others take it as a literal topic filter that no message ever matches (mosquitto and EMQX do share it). Connect with MQTT 5, subscribe to the filter without '$share/group/', or subscribe anyway as a literal filter.`,
          ),
        );
      }
      const options: IClientSubscribeOptions = { qos: input.qos };
      if (isV5) {
        options.nl = input.noLocal;
        options.rap = input.retainAsPublished;
        options.rh = input.retainHandling;
        const properties: IClientSubscribeOptions['properties'] = {};
        if (input.subscriptionIdentifier !== undefined) properties.subscriptionIdentifier = input.subscriptionIdentifier;
        const userProperties = toMqttJsUserProperties(input.userProperties);
        if (userProperties) properties.userProperties = userProperties;
        if (Object.keys(properties).length > 0) options.properties = properties;
      }
      // Known before the SUBACK: a broker may deliver (retained, `$` topics) before it answers.
      const earlier = connection.subscriptions.get(filter);
      connection.subscriptions.set(filter, { mqtt: options, granted: earlier?.granted });
      const forget = () => {
        if (earlier) connection.subscriptions.set(filter, earlier);
        else connection.subscriptions.delete(filter);
      };
      return new Promise((resolve, reject) => {
        connection.client.subscribe(filter, options, (error, granted) => {
          const grant = granted?.[0];
          if (error || !grant || grant.qos >= 0x80) forget();
          // SUBACK codes >= 0x80 are failures in both 3.1.1 and 5.0 [MQTT-3.9.3-1].
          if (grant && grant.qos >= 0x80) {
            return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `The broker rejected the subscription to ${filter}: SUBACK ${describeReason(grant.qos, 'suback')}`));
          }
          if (error?.message === 'Connection closed') {
            return reject(
              new WorkbenchFailure(
                'MESSAGE_REFUSED',
                `The connection closed before the broker answered the SUBSCRIBE to ${filter} at QoS ${input.qos}: it may not allow this filter${input.qos === 2 ? ', QoS 2' : ''}, or subscribing for this user.`,
              ),
            );
          }
          if (error || !grant) {
            return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `Subscribe to ${filter} failed: ${error?.message ?? 'no SUBACK'}`));
          }
          const grantedQos = grant.qos as 0 | 1 | 2;
          const active: ActiveSubscription = {
            filter,
            qos: input.qos,
            grantedQos,
            noLocal: input.noLocal,
            retainAsPublished: input.retainAsPublished,
            retainHandling: input.retainHandling,
          };
          if (input.subscriptionIdentifier !== undefined) active.subscriptionIdentifier = input.subscriptionIdentifier;
          if (input.userProperties?.length) active.userProperties = input.userProperties;
          connection.subscriptions.set(filter, { mqtt: options, granted: active });
          // Coalesced: a profile's 500 saved subscriptions make one status event, not 500 that each list them all.
          emitStatusSoon(connection);
          resolve({ filter, grantedQos, requestedQos: input.qos, reasonCode: grant.qos });
        });
      });
    },

    async unsubscribe(connectionId, filter) {
      const connection = findConnected(connectionId);
      return new Promise((resolve, reject) => {
        connection.client.unsubscribe(filter, (error) => {
          if (error) return reject(new WorkbenchFailure('UNSUBSCRIBE_FAILED', `Unsubscribe from ${filter} failed: ${error.message}`));
          connection.subscriptions.delete(filter);
          emitStatusSoon(connection);
          resolve();
        });
      });
    },

    async publish({ connectionId, topic, payload, qos, retain, properties }) {
      const connection = findConnected(connectionId);
      const isV5 = connection.version === 5;
      const alias = isV5 ? properties?.topicAlias : undefined;
      if (topic === '' && alias === undefined) {
        return Promise.reject(new WorkbenchFailure('PUBLISH_FAILED', 'Topic must not be empty (MQTT 5 can publish by Topic Alias alone)'));
      }
      if (alias !== undefined) {
        const maximum = Number(connection.connack?.properties?.topicAliasMaximum ?? 0);
        if (alias > maximum) {
          return Promise.reject(
            new WorkbenchFailure(
              'PUBLISH_FAILED',
              `Topic Alias ${alias} is above the broker's Topic Alias Maximum of ${maximum} (from its CONNACK${maximum === 0 ? ': it accepts no aliases' : ''}) [MQTT-3.3.2-9]`,
            ),
          );
        }
        if (topic === '' && !connection.aliases.has(alias)) {
          return Promise.reject(
            new WorkbenchFailure(
              'PUBLISH_FAILED',
              `Topic Alias ${alias} is not set on this connection: publish once with the topic and this alias first (an alias lasts for one network connection)`,
            ),
          );
        }
      }
      const limit = connection.connack?.properties?.maximumPacketSize;
      if (isV5 && typeof limit === 'number') {
        // The broker would drop the connection for this [MQTT-3.1.2-24]: refuse it here, clearly.
        const size = publishPacketSize(topic, payload.byteLength, qos, toPublishOptions(qos, retain, properties, true).properties);
        if (size > limit) {
          return Promise.reject(
            new WorkbenchFailure('PAYLOAD_TOO_LARGE', `This PUBLISH is ${size} bytes; the broker accepts at most ${limit} (Maximum Packet Size in its CONNACK)`),
          );
        }
      }
      const shownTopic = topic === '' && alias !== undefined ? connection.aliases.get(alias)! : topic;
      return new Promise((resolve, reject) => {
        connection.client.publish(topic, asBuffer(payload), toPublishOptions(qos, retain, properties, isV5), (error, ack) => {
          if (error) {
            if ((error as { refusedByBroker?: boolean }).refusedByBroker) return reject(new WorkbenchFailure('MESSAGE_REFUSED', error.message));
            const code = (error as { code?: unknown }).code;
            const why = typeof code === 'number' ? describeReason(code) : error.message;
            return reject(new WorkbenchFailure('PUBLISH_FAILED', `The PUBLISH to ${shownTopic} failed: ${why}`));
          }
          if (alias !== undefined && topic !== '') connection.aliases.set(alias, topic);
          // mqtt.js calls back with the stored PUBLISH: its id tells whether a PUBACK answered QoS 2 (see packetreceive).
          const messageId = (ack as { messageId?: number } | undefined)?.messageId;
          const handledQos = messageId !== undefined && connection.handledAsQos1.delete(messageId) ? 1 : qos;
          const message: MqttMessage = { connectionId, direction: 'out', topic: shownTopic, payload, qos: handledQos, retain, dup: false, timestamp: Date.now() };
          if (isV5 && properties) {
            const { topicAlias: _alias, ...shown } = properties;
            if (Object.keys(shown).length > 0) message.properties = shown;
          }
          events.onMessage(message, connection.identity);
          resolve();
        });
      });
    },

    async request(input) {
      const connection = findConnected(input.connectionId);
      if (connection.version !== 5) {
        throw new WorkbenchFailure('PUBLISH_FAILED', 'Request/response needs MQTT 5 (Response Topic and Correlation Data)');
      }
      const correlationData = input.correlationData ?? new Uint8Array(randomBytes(16));
      const unsubscribeNeeded = await connection.requests.ensureSubscribed(input.responseTopic, (filter) =>
        this.subscribe({
          connectionId: input.connectionId,
          filter,
          qos: 1,
          noLocal: false,
          retainAsPublished: false,
          retainHandling: 2,
        }).then(() => {}),
      );
      try {
        const waiting = connection.requests.waitFor(input.responseTopic, correlationData, input.timeoutMs);
        const started = performance.now();
        await this.publish({
          connectionId: input.connectionId,
          topic: input.topic,
          payload: input.payload,
          qos: input.qos,
          retain: false,
          properties: { ...(input.properties ?? {}), responseTopic: input.responseTopic, correlationData },
        });
        const response = await waiting;
        const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
        return response ? { status: 'response' as const, latencyMs, response } : { status: 'timeout' as const, latencyMs };
      } finally {
        if (connection.requests.release(input.responseTopic) && unsubscribeNeeded && connection.client.connected) {
          await this.unsubscribe(input.connectionId, input.responseTopic).catch(() => {});
        }
      }
    },

    list() {
      return [...connections.values()].map(summarize);
    },

    has(connectionId) {
      return connections.has(connectionId);
    },

    async closeAll() {
      await Promise.all([...connections.keys()].map((id) => this.disconnect(id)));
    },
  };
}
