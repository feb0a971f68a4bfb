import type { IClientOptions } from 'mqtt';
import type { ConnectionOptions, MqttVersion } from '../../../shared/contract';
import { asBuffer, toMqttJsUserProperties } from './mqtt-properties';

/** The broker URL shown to users and given to mqtt.js. Never contains credentials. */
export function brokerUrl(options: ConnectionOptions): string {
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const isWebSocket = options.protocol === 'ws' || options.protocol === 'wss';
  return `${options.protocol}://${host}:${options.port}${isWebSocket ? options.path : ''}`;
}

function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Translates our validated options into mqtt.js's, option by option, for one CONNECT in `version`
 * (with 'auto' the connection manager tries several; MQTT 5 properties go only into a 5.0 CONNECT).
 */
export function toMqttJsOptions(options: ConnectionOptions, clientId: string, version: MqttVersion): IClientOptions {
  const isV5 = version === 5;
  const result: IClientOptions = {
    clientId,
    protocolVersion: version,
    // MQTT 3.1 uses the protocol name MQIsdp (3.1 spec, 3.1 CONNECT variable header).
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    clean: options.clean,
    keepalive: options.keepaliveSeconds,
    connectTimeout: options.connectTimeoutMs,
    // Reconnects and resubscribes are ours (backoff, cap, visible attempts): see connection-manager.ts.
    reconnectPeriod: 0,
    resubscribe: false,
    // Listeners go on before CONNECT is written, so the inspector sees it.
    manualConnect: true,
  };
  // With SCRAM the credentials travel only inside the AUTH exchange, never in CONNECT.
  if (!options.enhancedAuth) {
    if (options.username !== undefined) result.username = options.username;
    if (options.password !== undefined) result.password = options.password;
  }

  if (isV5 && options.properties) {
    const { userProperties, ...rest } = options.properties;
    result.properties = definedOnly({ ...rest, userProperties: toMqttJsUserProperties(userProperties) });
  }
  if (isV5 && options.enhancedAuth) {
    // Authentication Data (the client-first message) is filled per attempt by the connection manager.
    result.properties = { ...(result.properties ?? {}), authenticationMethod: options.enhancedAuth.method };
  }

  if (options.will) {
    const will = options.will;
    result.will = {
      topic: will.topic,
      payload: asBuffer(will.payload),
      qos: will.qos,
      retain: will.retain,
    };
    if (isV5 && will.properties) {
      const { userProperties, correlationData, ...rest } = will.properties;
      result.will.properties = definedOnly({
        ...rest,
        correlationData: correlationData ? asBuffer(correlationData) : undefined,
        userProperties: toMqttJsUserProperties(userProperties),
      });
    }
  }

  const tls = options.tls;
  const isSecure = options.protocol === 'mqtts' || options.protocol === 'wss';
  if (isSecure) {
    const tlsOptions = definedOnly({
      ca: tls?.ca?.map(asBuffer),
      cert: tls?.cert ? asBuffer(tls.cert) : undefined,
      key: tls?.key ? asBuffer(tls.key) : undefined,
      passphrase: tls?.passphrase,
      pfx: tls?.pfx ? asBuffer(tls.pfx) : undefined,
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
      ALPNProtocols: tls?.alpnProtocols,
      servername: tls?.servername,
    });
    Object.assign(result, tlsOptions);
    if (options.protocol === 'wss') result.wsOptions = { ...tlsOptions };
  }
  if (options.wsHeaders && (options.protocol === 'ws' || options.protocol === 'wss')) {
    result.wsOptions = { ...(result.wsOptions ?? {}), headers: options.wsHeaders };
  }
  return result;
}
