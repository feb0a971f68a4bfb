import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  type ConnectionOptions,
  type ConnectionStatus,
  type ConnectionSummary,
  type MqttMessage,
  WorkbenchFailure,
} from '../../../shared/contract';
import { describeConnectError } from './connect-errors';

/** Delay between reconnect attempts after an established connection drops. */
const RECONNECT_PERIOD_MS = 1000;

export interface ConnectionManagerEvents {
  onStatus(summary: ConnectionSummary): void;
  onMessage(message: MqttMessage): void;
}

interface Connection {
  id: string;
  options: ConnectionOptions;
  client: MqttClient;
  url: string;
  clientId: string;
  status: ConnectionStatus;
  lastError?: { code: string; message: string };
}

export interface ConnectionManager {
  connect(options: ConnectionOptions): Promise<{ connectionId: string; clientId: string; sessionPresent: boolean }>;
  disconnect(connectionId: string): Promise<void>;
  subscribe(connectionId: string, filter: string, qos: 0 | 1 | 2): Promise<{ filter: string; grantedQos: 0 | 1 | 2 }>;
  unsubscribe(connectionId: string, filter: string): Promise<void>;
  publish(connectionId: string, topic: string, payload: Uint8Array, qos: 0 | 1 | 2, retain: boolean): Promise<void>;
  list(): ConnectionSummary[];
  /** Closes every connection (app shutdown). */
  closeAll(): Promise<void>;
}

export function generateClientId(): string {
  return `mqtt-workbench-${randomBytes(4).toString('hex')}`;
}

function brokerUrl(options: ConnectionOptions): string {
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const path = options.protocol === 'ws' ? options.path : '';
  return `${options.protocol}://${host}:${options.port}${path}`;
}

/** A Uint8Array view of a Buffer, so payloads leave the engine as plain bytes. */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function createConnectionManager(events: ConnectionManagerEvents): ConnectionManager {
  const connections = new Map<string, Connection>();
  let nextId = 1;

  function summarize(connection: Connection): ConnectionSummary {
    return {
      connectionId: connection.id,
      name: connection.options.name || `${connection.options.host}:${connection.options.port}`,
      status: connection.status,
      url: connection.url,
      protocolVersion: connection.options.protocolVersion,
      clientId: connection.clientId,
      ...(connection.lastError ? { lastError: connection.lastError } : {}),
    };
  }

  function setStatus(connection: Connection, status: ConnectionStatus, error?: { code: string; message: string }): void {
    if (error) connection.lastError = error;
    else if (status === 'connected') delete connection.lastError;
    if (connection.status === status && !error) return;
    connection.status = status;
    events.onStatus(summarize(connection));
  }

  function require(connectionId: string): Connection {
    const connection = connections.get(connectionId);
    if (!connection) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`);
    return connection;
  }

  function requireConnected(connectionId: string): Connection {
    const connection = require(connectionId);
    if (!connection.client.connected) {
      throw new WorkbenchFailure('NOT_CONNECTED', `Connection ${summarize(connection).name} is ${connection.status}`);
    }
    return connection;
  }

  return {
    connect(options) {
      const id = `c${nextId++}`;
      const clientId = options.clientId || generateClientId();
      const url = brokerUrl(options);
      const clientOptions: IClientOptions = {
        clientId,
        protocolVersion: options.protocolVersion,
        clean: options.clean,
        keepalive: options.keepaliveSeconds,
        connectTimeout: options.connectTimeoutMs,
        // No retry until the first CONNACK: a wrong address must fail fast and clearly.
        reconnectPeriod: 0,
        resubscribe: true,
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
      };
      const client = mqtt.connect(url, clientOptions);
      const connection: Connection = { id, options, client, url, clientId, status: 'connecting' };
      connections.set(id, connection);
      events.onStatus(summarize(connection));

      client.on('message', (topic, payload, packet) => {
        events.onMessage({
          connectionId: id,
          direction: 'in',
          topic,
          payload: asBytes(payload),
          qos: packet.qos,
          retain: packet.retain,
          dup: packet.dup,
          timestamp: Date.now(),
        });
      });

      return new Promise((resolve, reject) => {
        let settled = false;
        const timeout = setTimeout(() => {
          failConnect({ code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within ${options.connectTimeoutMs} ms` });
        }, options.connectTimeoutMs);

        function failConnect(error: { code: ReturnType<typeof describeConnectError>['code']; message: string }): void {
          if (settled) return;
          settled = true;
          clearTimeout(timeout);
          client.end(true);
          setStatus(connection, 'disconnected', error);
          connections.delete(id);
          reject(new WorkbenchFailure(error.code, error.message));
        }

        client.once('connect', (connack) => {
          if (settled) return;
          settled = true;
          clearTimeout(timeout);
          // From here on, a dropped connection is retried until the user disconnects.
          client.options.reconnectPeriod = RECONNECT_PERIOD_MS;
          setStatus(connection, 'connected');
          resolve({ connectionId: id, clientId, sessionPresent: connack.sessionPresent });
        });
        client.on('connect', () => setStatus(connection, 'connected'));
        client.on('reconnect', () => setStatus(connection, 'reconnecting'));
        client.on('offline', () => {
          if (settled && connections.has(id)) setStatus(connection, 'reconnecting');
        });
        client.on('error', (error) => {
          const described = describeConnectError(error, url);
          if (!settled) failConnect(described);
          else setStatus(connection, connection.status, described);
        });
        client.on('close', () => {
          if (!settled) failConnect({ code: 'HOST_UNREACHABLE', message: `Connection to ${url} closed before the broker answered` });
        });
      });
    },

    async disconnect(connectionId) {
      const connection = require(connectionId);
      connections.delete(connectionId);
      await new Promise<void>((resolve) => connection.client.end(false, {}, () => resolve()));
      setStatus(connection, 'disconnected');
    },

    subscribe(connectionId, filter, qos) {
      const connection = requireConnected(connectionId);
      return new Promise((resolve, reject) => {
        connection.client.subscribe(filter, { qos }, (error, granted) => {
          if (error) return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `Subscribe to ${filter} failed: ${error.message}`));
          const grant = granted?.[0];
          // SUBACK codes >= 0x80 are failures in both 3.1.1 and 5.0 [MQTT-3.9.3-1].
          if (!grant || grant.qos >= 0x80) {
            const code = grant ? `0x${grant.qos.toString(16)}` : 'none';
            return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `The broker rejected the subscription to ${filter} (SUBACK ${code})`));
          }
          resolve({ filter, grantedQos: grant.qos as 0 | 1 | 2 });
        });
      });
    },

    unsubscribe(connectionId, filter) {
      const connection = requireConnected(connectionId);
      return new Promise((resolve, reject) => {
        connection.client.unsubscribe(filter, (error) => {
          if (error) reject(new WorkbenchFailure('UNSUBSCRIBE_FAILED', `Unsubscribe from ${filter} failed: ${error.message}`));
          else resolve();
        });
      });
    },

    publish(connectionId, topic, payload, qos, retain) {
      const connection = requireConnected(connectionId);
      const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return new Promise((resolve, reject) => {
        connection.client.publish(topic, buffer, { qos, retain }, (error) => {
          if (error) return reject(new WorkbenchFailure('PUBLISH_FAILED', `Publish to ${topic} failed: ${error.message}`));
          events.onMessage({
            connectionId,
            direction: 'out',
            topic,
            payload,
            qos,
            retain,
            dup: false,
            timestamp: Date.now(),
          });
          resolve();
        });
      });
    },

    list() {
      return [...connections.values()].map(summarize);
    },

    async closeAll() {
      await Promise.all([...connections.keys()].map((id) => this.disconnect(id)));
    },
  };
}
