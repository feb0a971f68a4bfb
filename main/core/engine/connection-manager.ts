import { randomBytes } from 'node:crypto';
import type { MqttClient, Packet } from 'mqtt';
import {
  type ConnackInfo,
  type ConnectionOptions,
  type ConnectionSummary,
  type ErrorCode,
  type MqttMessage,
  type MqttVersion,
  type RequestOutput,
  type RequestParsed,
  WorkbenchFailure,
} from '../../../shared/contract';
import { describeReason, hexCode, reasonName } from '../../../shared/mqtt/reason-codes';
import { brokerUrl, toMqttJsOptions } from './client-options';
import { createMqttClient } from './client-transport';
import { type SystemProxyResolver, envSystemProxy } from './proxy-tunnel';
import { type DescribedError, closedBeforeConnack, describeConnectError, describeEstablishedError } from './connect-errors';
import { createOutgoingTracker } from './outgoing-tracker';
import { versionLabel } from '../../../shared/mqtt/versions';
import { fallbackNote, isVersionRefusal, versionsToTry } from './version-fallback';
import { type ConnectionIdentity, endpointIdentity } from './connection-identity';
import { type Connection, createStatusReporter, summarize } from './connection-state';
import { displayable } from './mqtt-properties';
import { onEstablishedClose, scheduleReconnect, startNetworkConnection } from './reconnect';
import { prepareEnhancedAuth, verifyEnhancedAuth } from './enhanced-auth';
import { receiveMessages } from './ingest';
import { publish, request } from './publishing';
import { resubscribe, subscribe, unsubscribe } from './subscriptions';
import { createRequestTracker } from './request-tracker';

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
  /** The system proxy settings for a profile's 'system' proxy; HTTPS_PROXY / ALL_PROXY when absent (see proxy-tunnel.ts). */
  systemProxy?: SystemProxyResolver;
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


export function createConnectionManager(events: ConnectionManagerEvents): ConnectionManager {
  const systemProxy = events.systemProxy ?? envSystemProxy();
  const connections = new Map<string, Connection>();
  let nextId = 1;

  const status = createStatusReporter({
    onStatus: (summary) => events.onStatus(summary),
    isOpen: (connectionId) => connections.has(connectionId),
  });
  const { emitStatus, setStatus, recordProblem } = status;

  function find(connectionId: string): Connection {
    const connection = connections.get(connectionId);
    if (!connection) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`, { reason: 'noConnection', id: connectionId });
    return connection;
  }

  function findConnected(connectionId: string): Connection {
    const connection = find(connectionId);
    if (!connection.client.connected) {
      const { name } = summarize(connection);
      throw new WorkbenchFailure('NOT_CONNECTED', `Connection ${name} is ${connection.status}`, { reason: 'notConnected', name, status: connection.status });
    }
    return connection;
  }

  /**
   * One attempt at CONNECT in one MQTT version: a new mqtt.js client with every listener on it.
   * Resolves with the CONNACK; rejects with the described failure (the client is then ended).
   */
  function attempt(connection: Connection, version: MqttVersion): Promise<ConnackInfo> {
    const { options, url } = connection;
    let client: MqttClient;
    try {
      client = createMqttClient(url, toMqttJsOptions(options, connection.clientId, version), options, systemProxy);
    } catch (error) {
      // mqtt.js builds the TLS context synchronously: a wrong passphrase or a broken key throws here.
      const described = describeConnectError(error, url, version);
      return Promise.reject(new WorkbenchFailure(described.code, described.message, described.params));
    }
    connection.client = client;
    connection.version = version;
    startNetworkConnection(connection);

    receiveMessages({ connection, client, events, status });
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
      if (check?.problem) recordProblem(connection, { code: 'PROTOCOL_VIOLATION', message: check.problem });
      if (check?.downgraded) connection.handledAsQos1.add(check.downgraded.messageId);
      events.onPacket?.(connection.id, 'in', packet, check?.problem);
    });

    return new Promise((resolve, reject) => {
      let settled = false;
      const timeout = setTimeout(() => {
        failAttempt({ code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within ${options.connectTimeoutMs} ms`, params: { reason: 'connectTimeout', url } });
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
        reject(new WorkbenchFailure(error.code, error.message, error.params));
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
        if (isReconnect && !connection.connack.sessionPresent) resubscribe({ connection, status });
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
          scheduleReconnect({ connection, status });
          return;
        }
        connection.acknowledged = false;
        onEstablishedClose({ connection, status });
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
        recordProblem(connection, { code: described.code, message: described.message, params: described.params, emitSoon: false });
        setStatus(connection, connection.status, described);
        // A packet that cannot be read leaves the stream out of step: close it [MQTT-4.13.1-1].
        if (described.code === 'PROTOCOL_ERROR') client.stream?.destroy();
      });
      client.on('disconnect', (packet) => {
        // The broker sent DISCONNECT (MQTT 5): keep its reason visible.
        const code = packet.reasonCode ?? 0;
        const reason = packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : '';
        connection.disconnectReason = code;
        connection.closeCause = {
          code: 'BROKER_DISCONNECTED',
          message: `The broker disconnected with ${describeReason(code)}${reason}`,
          params: { reason: 'brokerDisconnected', reasonCode: hexCode(code), detail: `${reasonName(code)}${reason}` },
        };
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
          const final = new WorkbenchFailure(failure.code, `${failure.message}${tried}`, failure.params);
          connection.closing = true;
          connections.delete(id);
          setStatus(connection, 'disconnected', { code: final.code, message: final.message, ...(final.params ? { params: final.params } : {}) });
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
      return subscribe({ connection: findConnected(input.connectionId), input, status });
    },

    async unsubscribe(connectionId, filter) {
      return unsubscribe({ connection: findConnected(connectionId), filter, status });
    },

    async publish(input) {
      return publish({ connection: findConnected(input.connectionId), input, onMessage: (message, identity) => events.onMessage(message, identity) });
    },

    async request(input) {
      return request({ connection: findConnected(input.connectionId), input, paths: this });
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
