/**
 * How a scenario's devices reach a broker. Each device (or the shared connection) is a plain mqtt.js
 * client, not a connection of the app's engine: the engine keeps a message ring, a packet log and
 * a status per connection for the UI, which 10,000 simulated devices must not cost. The options
 * (host, port, TLS, credentials) are the profile's, translated by the engine's own client-options.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ConnectionOptions, MqttVersion } from '../../../../shared/contract';
import { brokerUrl, toMqttJsOptions } from '../../engine/client-options';

export interface DeviceWill {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface IncomingCommand {
  topic: string;
  payload: Uint8Array;
  /** MQTT 5 Response Topic and Correlation Data of a request. */
  responseTopic?: string;
  correlationData?: Uint8Array;
}

export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
  correlationData?: Uint8Array;
}

/** One open MQTT connection of a scenario. */
export interface DeviceLink {
  publish(topic: string, payload: Uint8Array | string, options: PublishOptions): Promise<void>;
  subscribe(filters: string[], qos: 0 | 1 | 2): Promise<void>;
  onMessage(listener: (command: IncomingCommand) => void): void;
  /** Called once when the broker or the network closes the connection (not after close()). */
  onLost(listener: (reason: string) => void): void;
  /** Publishes handed to the socket whose completion has not come back yet. */
  readonly backlog: number;
  /** Sends DISCONNECT (no Will) once what is in flight completes. */
  close(): Promise<void>;
}

export interface ScenarioTransport {
  /** The broker's URL, for the counters (never with credentials). */
  readonly target: string;
  connect(clientId: string, will?: DeviceWill): Promise<DeviceLink>;
}

/** mqtt.js clients with a profile's (or the embedded broker's) connection options. */
export function createMqttTransport(options: ConnectionOptions): ScenarioTransport {
  const version: MqttVersion = options.protocolVersion === 'auto' ? 5 : options.protocolVersion;
  const url = brokerUrl(options);
  return {
    target: url,
    connect(clientId, will) {
      const clientOptions: IClientOptions = {
        ...toMqttJsOptions({ ...options, will: undefined }, clientId, version),
        manualConnect: false,
        // A device that loses its broker stays down (counted as an error): a fleet reconnecting at once is a storm.
        reconnectPeriod: 0,
        clean: true,
        ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain } } : {}),
      };
      // A Sparkplug session must not outlive its connection (clean start, Session Expiry 0).
      if (version === 5 && clientOptions.properties) delete clientOptions.properties.sessionExpiryInterval;
      return new Promise<DeviceLink>((resolve, reject) => {
        const client = mqtt.connect(url, clientOptions);
        const fail = (error: Error) => {
          client.removeAllListeners();
          client.on('error', () => {});
          client.end(true);
          reject(error);
        };
        client.once('error', fail);
        client.once('close', () => fail(new Error('The broker closed the connection before CONNACK')));
        client.once('connect', () => {
          client.removeAllListeners('error');
          client.removeAllListeners('close');
          resolve(wrap(client));
        });
      });
    },
  };
}

function wrap(client: MqttClient): DeviceLink {
  let backlog = 0;
  let closing = false;
  const lostListeners: ((reason: string) => void)[] = [];
  let lastError = '';
  client.on('error', (error) => {
    lastError = error.message;
  });
  client.once('close', () => {
    if (closing) return;
    for (const listener of lostListeners) listener(lastError || 'The connection closed');
  });
  return {
    publish(topic, payload, { qos, retain, correlationData }) {
      backlog++;
      return new Promise((resolve, reject) => {
        client.publish(topic, typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos, retain, ...(correlationData ? { properties: { correlationData: Buffer.from(correlationData) } } : {}) }, (error) => {
          backlog--;
          if (error) reject(error);
          else resolve();
        });
      });
    },
    subscribe(filters, qos) {
      return new Promise((resolve, reject) => {
        client.subscribe(filters, { qos }, (error, granted) => {
          if (error) return reject(error);
          const refused = granted?.find((g) => g.qos >= 0x80);
          if (refused) reject(new Error(`The broker refused the subscription to ${refused.topic} (reason code ${refused.qos})`));
          else resolve();
        });
      });
    },
    onMessage(listener) {
      client.on('message', (topic, payload, packet) => {
        const props = packet.properties;
        listener({
          topic,
          payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
          ...(props?.responseTopic ? { responseTopic: props.responseTopic } : {}),
          ...(props?.correlationData ? { correlationData: new Uint8Array(props.correlationData) } : {}),
        });
      });
    },
    onLost(listener) {
      lostListeners.push(listener);
    },
    get backlog() {
      return backlog;
    },
    close() {
      closing = true;
      return new Promise((resolve) => {
        if (!client.connected) {
          client.end(true, {}, () => resolve());
          return;
        }
        // A broker that does not answer what is in flight must not hold a stop for ever.
        const force = setTimeout(() => client.end(true, {}, () => resolve()), 2000);
        client.end(false, {}, () => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
