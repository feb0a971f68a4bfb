import { randomBytes } from 'node:crypto';
import mqttPacket from 'mqtt-packet';
import mqtt, { type IClientPublishOptions, type IClientSubscribeOptions, type MqttClient, type Packet } from 'mqtt';
import {
  type ConnackInfo,
  type ConnectionOptions,
  type ConnectionStatus,
  type ConnectionSummary,
  type ErrorCode,
  type MqttMessage,
  type RequestOutput,
  type RequestParsed,
  WorkbenchFailure,
} from '../../../shared/contract';
import { brokerUrl, toMqttJsOptions } from './client-options';
import { holdWhileCrowded } from './ingest-backpressure';
import { describeConnectError } from './connect-errors';
import { type ConnectionIdentity, endpointIdentity } from './connection-identity';
import { asBuffer, asBytes, displayable, receivedPublishProperties, toMqttJsUserProperties } from './mqtt-properties';
import { reconnectDelayMs } from './reconnect-policy';
import { type ScramClient, createScramClient } from './scram';
import { type RequestTracker, createRequestTracker } from './request-tracker';

export interface ConnectionManagerEvents {
  onStatus(summary: ConnectionSummary): void;
  /** `identity`: the connection's stable identity, for history (the id restarts at c1 each run). */
  onMessage(message: MqttMessage, identity: ConnectionIdentity): void;
  /** Every packet in and out, for the packet inspector (see packet-inspector.ts). */
  onPacket?(connectionId: string, direction: 'in' | 'out', packet: Packet): void;
  /** Null while received messages can be taken; else resolves when they can (history's backpressure, see ingest-backpressure.ts). */
  whenRoom?(): Promise<void> | null;
}

interface Connection {
  id: string;
  identity: ConnectionIdentity;
  options: ConnectionOptions;
  client: MqttClient;
  url: string;
  clientId: string;
  status: ConnectionStatus;
  reconnectAttempts: number;
  reconnectTimer?: ReturnType<typeof setTimeout>;
  nextReconnectAt?: number;
  /** Set once the user asked to disconnect: no reconnect after that. */
  closing: boolean;
  connack?: ConnackInfo;
  lastError?: { code: string; message: string };
  requests: RequestTracker;
  /** Active subscriptions, replayed after a reconnect whose session the broker did not keep. */
  subscriptions: Map<string, IClientSubscribeOptions>;
  /** The SCRAM exchange of the current attempt, when enhanced authentication is on. */
  scram?: ScramClient;
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
      status: connection.status,
      url: connection.url,
      protocolVersion: connection.options.protocolVersion,
      clientId: connection.clientId,
      reconnectAttempts: connection.reconnectAttempts,
    };
    if (connection.nextReconnectAt !== undefined) summary.nextReconnectAt = connection.nextReconnectAt;
    if (connection.connack) summary.connack = connection.connack;
    if (connection.lastError) summary.lastError = connection.lastError;
    return summary;
  }

  function setStatus(connection: Connection, status: ConnectionStatus, error?: { code: string; message: string }): void {
    if (error) connection.lastError = error;
    else if (status === 'connected') delete connection.lastError;
    if (connection.status === status && !error) return;
    connection.status = status;
    events.onStatus(summarize(connection));
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
  function verifyEnhancedAuth(connection: Connection, connack: { properties?: { authenticationData?: Buffer } }): string | null {
    if (!connection.scram) return null;
    try {
      connection.scram.verifyServerFinal(connack.properties?.authenticationData ?? Buffer.alloc(0));
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** The broker forgot the session (clean start or expired): subscribe again to what the user had. */
  function resubscribe(connection: Connection): void {
    for (const [filter, options] of connection.subscriptions) {
      connection.client.subscribe(filter, options, (error, granted) => {
        const code = granted?.[0]?.qos ?? 0;
        if (error || code >= 0x80) {
          setStatus(connection, connection.status, {
            code: 'SUBSCRIBE_FAILED',
            message: `Resubscribing to ${filter} after reconnect failed: ${error?.message ?? `SUBACK 0x${code.toString(16)}`}`,
          });
        }
      });
    }
  }

  /** After an established connection drops: retry with backoff until the cap, visibly. */
  function scheduleReconnect(connection: Connection): void {
    const policy = connection.options.reconnect;
    if (connection.closing || connection.reconnectTimer) return;
    if (!policy.enabled || (policy.maxAttempts > 0 && connection.reconnectAttempts >= policy.maxAttempts)) {
      const gaveUp = policy.enabled
        ? { code: 'HOST_UNREACHABLE', message: `Gave up after ${connection.reconnectAttempts} reconnect attempts` }
        : undefined;
      delete connection.nextReconnectAt;
      setStatus(connection, 'disconnected', gaveUp);
      return;
    }
    connection.reconnectAttempts++;
    const delay = reconnectDelayMs(connection.reconnectAttempts, policy.initialDelayMs, policy.maxDelayMs);
    connection.nextReconnectAt = Date.now() + delay;
    connection.status = 'reconnecting';
    events.onStatus(summarize(connection));
    connection.reconnectTimer = setTimeout(() => {
      delete connection.reconnectTimer;
      if (connection.closing) return;
      // Keep the in-flight QoS 1/2 stores so nothing queued is lost across the reconnect.
      const client = connection.client as MqttClient & { incomingStore: never; outgoingStore: never };
      prepareEnhancedAuth(connection);
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delay);
  }

  return {
    connect(options, identity = endpointIdentity(options)) {
      const id = `c${nextId++}`;
      const clientId = options.clientId || generateClientId();
      const url = brokerUrl(options);
      let client: MqttClient;
      try {
        client = mqtt.connect(url, toMqttJsOptions(options, clientId));
      } catch (error) {
        // mqtt.js builds the TLS context synchronously: a wrong passphrase or a broken key throws here.
        const described = describeConnectError(error, url);
        return Promise.reject(new WorkbenchFailure(described.code, described.message));
      }
      const connection: Connection = {
        id,
        identity,
        options,
        client,
        url,
        clientId,
        status: 'connecting',
        reconnectAttempts: 0,
        closing: false,
        requests: createRequestTracker(),
        subscriptions: new Map(),
      };
      connections.set(id, connection);
      events.onStatus(summarize(connection));

      client.on('message', (topic, payload, packet) => {
        const message: MqttMessage = {
          connectionId: id,
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
        events.onMessage(message, identity);
      });
      if (events.whenRoom) holdWhileCrowded(client, events.whenRoom, options.keepaliveSeconds);
      if (events.onPacket) {
        const onPacket = events.onPacket;
        client.on('packetsend', (packet) => onPacket(id, 'out', packet));
        client.on('packetreceive', (packet) => onPacket(id, 'in', packet));
      }

      return new Promise((resolve, reject) => {
        let established = false;
        const timeout = setTimeout(() => {
          failConnect({ code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within ${options.connectTimeoutMs} ms` });
        }, options.connectTimeoutMs);

        function failConnect(error: { code: ErrorCode; message: string }): void {
          if (established) return;
          established = true; // settled
          clearTimeout(timeout);
          connection.closing = true;
          try {
            client.end(true);
          } catch {
            // No stream was ever made (the TLS context failed): nothing to close.
          }
          setStatus(connection, 'disconnected', error);
          connections.delete(id);
          reject(new WorkbenchFailure(error.code, error.message));
        }

        client.on('connect', (connack) => {
          const scramProblem = verifyEnhancedAuth(connection, connack);
          if (scramProblem) {
            if (!established) failConnect({ code: 'AUTH_FAILED', message: scramProblem });
            else {
              connection.closing = true;
              client.end(true);
              setStatus(connection, 'disconnected', { code: 'AUTH_FAILED', message: scramProblem });
            }
            return;
          }
          connection.connack = connackInfo(connack);
          const isReconnect = established;
          if (isReconnect && !connection.connack.sessionPresent) resubscribe(connection);
          connection.reconnectAttempts = 0;
          delete connection.nextReconnectAt;
          setStatus(connection, 'connected');
          if (established) return;
          established = true;
          clearTimeout(timeout);
          resolve({ connectionId: id, clientId, sessionPresent: connection.connack.sessionPresent, connack: connection.connack });
        });
        client.on('close', () => {
          if (!established) {
            failConnect({ code: 'HOST_UNREACHABLE', message: `Connection to ${url} closed before the broker answered` });
            return;
          }
          if (connection.closing) return;
          connection.requests.failAll('CONNECTION_CLOSED');
          scheduleReconnect(connection);
        });
        client.on('error', (error) => {
          const described = describeConnectError(error, url);
          if (!established) failConnect(described);
          else setStatus(connection, connection.status, described);
        });
        client.on('disconnect', (packet) => {
          // The broker sent DISCONNECT (MQTT 5): keep its reason visible.
          const code = packet.reasonCode ?? 0;
          const reason = packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : '';
          connection.lastError = { code: 'CONNECTION_CLOSED', message: `The broker disconnected (reason 0x${code.toString(16)})${reason}` };
        });
        prepareEnhancedAuth(connection);
        try {
          client.connect();
        } catch (error) {
          // mqtt.js builds the TLS context here, synchronously: a wrong passphrase or a broken key throws.
          failConnect(describeConnectError(error, url));
        }
      });
    },

    async disconnect(connectionId) {
      const connection = find(connectionId);
      connection.closing = true;
      if (connection.reconnectTimer) clearTimeout(connection.reconnectTimer);
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

    subscribe(input) {
      const connection = findConnected(input.connectionId);
      const isV5 = connection.options.protocolVersion === 5;
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
      const { filter } = input;
      return new Promise((resolve, reject) => {
        connection.client.subscribe(filter, options, (error, granted) => {
          const grant = granted?.[0];
          // SUBACK codes >= 0x80 are failures in both 3.1.1 and 5.0 [MQTT-3.9.3-1].
          if (grant && grant.qos >= 0x80) {
            return reject(
              new WorkbenchFailure('SUBSCRIBE_FAILED', `The broker rejected the subscription to ${filter} (SUBACK 0x${grant.qos.toString(16)})`),
            );
          }
          if (error || !grant) {
            return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `Subscribe to ${filter} failed: ${error?.message ?? 'no SUBACK'}`));
          }
          connection.subscriptions.set(filter, options);
          resolve({ filter, grantedQos: grant.qos as 0 | 1 | 2, reasonCode: grant.qos });
        });
      });
    },

    unsubscribe(connectionId, filter) {
      const connection = findConnected(connectionId);
      return new Promise((resolve, reject) => {
        connection.client.unsubscribe(filter, (error) => {
          if (error) return reject(new WorkbenchFailure('UNSUBSCRIBE_FAILED', `Unsubscribe from ${filter} failed: ${error.message}`));
          connection.subscriptions.delete(filter);
          resolve();
        });
      });
    },

    publish({ connectionId, topic, payload, qos, retain, properties }) {
      const connection = findConnected(connectionId);
      const isV5 = connection.options.protocolVersion === 5;
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
      return new Promise((resolve, reject) => {
        connection.client.publish(topic, asBuffer(payload), toPublishOptions(qos, retain, properties, isV5), (error) => {
          if (error) return reject(new WorkbenchFailure('PUBLISH_FAILED', `Publish to ${topic} failed: ${error.message}`));
          const message: MqttMessage = { connectionId, direction: 'out', topic, payload, qos, retain, dup: false, timestamp: Date.now() };
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
      if (connection.options.protocolVersion !== 5) {
        throw new WorkbenchFailure('PUBLISH_FAILED', 'Request/response needs MQTT 5 (Response Topic and Correlation Data)');
      }
      const correlationData = input.correlationData ?? new Uint8Array(randomBytes(16));
      const unsubscribeNeeded = await connection.requests.ensureSubscribed(input.responseTopic, (filter) =>
        this.subscribe({ connectionId: input.connectionId, filter, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 2 }).then(() => {}),
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
