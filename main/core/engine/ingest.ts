import type { IPublishPacket, MqttClient } from 'mqtt';
import type { MqttMessage } from '../../../shared/contract';
import type { ConnectionIdentity } from './connection-identity';
import type { Connection, StatusReporter } from './connection-state';
import { deliveredAgainstDollarRule } from './dollar-topics';
import { holdAcksUntilCommitted } from './durable-acks';
import { holdWhileCrowded } from './ingest-backpressure';
import { asBytes, receivedPublishProperties } from './mqtt-properties';

/** What received messages go to (see ConnectionManagerEvents). */
export interface IngestEvents {
  onMessage(message: MqttMessage, identity: ConnectionIdentity): boolean | void;
  committed?(): Promise<boolean>;
  whenRoom?(): Promise<void> | null;
}

/**
 * Wires a new mqtt.js client's received PUBLISHes to onMessage: hides `$` topics a wildcard should not
 * match, answers pending requests, holds reading while History is crowded, and, with durable capture,
 * acknowledges only what History committed.
 */
export function receiveMessages({
  connection,
  client,
  events,
  status,
}: {
  connection: Connection;
  client: MqttClient;
  events: IngestEvents;
  status: Pick<StatusReporter, 'emitStatusSoon' | 'recordProblem'>;
}): void {
  const { options } = connection;
  /** QoS 2 messages durable capture delivered at their PUBLISH (see below), not again at PUBREL. */
  const deliveredEarly = new WeakSet<object>();
  const deliver = (topic: string, payload: Buffer, packet: IPublishPacket) => {
    if (!options.keepDollarTopicsOnWildcards && deliveredAgainstDollarRule(topic, connection.subscriptions.keys())) {
      connection.hiddenDollarMessages++;
      status.emitStatusSoon(connection);
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
      status.recordProblem(connection, {
        code: 'HISTORY_FAILED',
        message: `History did not take a QoS ${message.qos} message on '${topic}': durable capture closed the connection unacknowledged, so the broker delivers it again.`,
        params: { reason: 'durableNotTaken', qos: message.qos, topic },
      });
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
      status.recordProblem(connection, {
        code: 'HISTORY_FAILED',
        message: `History could not commit message ${messageId ?? ''}: it was not acknowledged, so the broker keeps it (durable capture).`,
        params: { reason: 'durableNotCommitted', id: messageId ?? '' },
      });
    });
  } else delete connection.durable;
}
