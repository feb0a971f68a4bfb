import type { Packet } from 'mqtt';

/**
 * What this client has sent and not yet seen answered, per network connection. Two uses:
 * - checking the broker's answers: a PUBACK to a QoS 2 PUBLISH (RabbitMQ 3.10 does this: it
 *   downgrades to QoS 1), or an acknowledgement for a packet id nothing is in flight under, is a
 *   protocol violation the user should see, and the message's QoS is then what really happened;
 * - explaining a close: a broker that refuses a PUBLISH or SUBSCRIBE by closing the connection
 *   (NATS on QoS 2, RabbitMQ on a denied topic) leaves that packet unanswered at the close.
 * Cheap per packet: a map entry per QoS 1/2 PUBLISH in flight, one slot for the newest QoS 0.
 */

export interface SentPacket {
  cmd: 'publish' | 'subscribe' | 'unsubscribe';
  messageId: number;
  qos: 0 | 1 | 2;
  /** The topic, or the filters of a SUBSCRIBE joined with ", ". */
  topic: string;
  sentAt: number;
  /** A PUBREC came back: waiting for PUBCOMP. */
  released?: boolean;
}

/** What an incoming packet turned out to be, when it breaks the protocol. */
export interface ReceivedCheck {
  problem?: string;
  /** The QoS the broker really handled our PUBLISH with, when it differs from what we sent. */
  downgraded?: { messageId: number; topic: string; sentQos: 2; handledQos: 1 };
}

type AnyPacket = Packet & { messageId?: number; qos?: number; topic?: string | Buffer; subscriptions?: { topic: string }[]; unsubscriptions?: string[] };

export interface OutgoingTracker {
  sent(packet: Packet): void;
  received(packet: Packet): ReceivedCheck | null;
  /** Unanswered packets sent within `windowMs` before `now`, newest last: what a close may be about. */
  suspects(now: number, windowMs: number): SentPacket[];
  /** Counts a close right after this QoS 1/2 PUBLISH; returns how many there were. */
  strike(messageId: number): number;
  /** A new network connection: SUBSCRIBEs die with the old one; QoS 1/2 PUBLISHes stay in flight (resent from the store). */
  newNetworkConnection(): void;
  /** A PUBLISH taken out of the store: forget it. */
  forget(messageId: number): void;
}

export function createOutgoingTracker(now: () => number = Date.now): OutgoingTracker {
  const inFlight = new Map<number, SentPacket>();
  const subscribes = new Map<number, SentPacket>();
  const strikes = new Map<number, number>();
  /** The newest QoS 0 PUBLISH, overwritten in place: a firehose of them allocates nothing here. */
  const newestQos0: SentPacket = { cmd: 'publish', messageId: 0, qos: 0, topic: '', sentAt: -Infinity };
  let lastReceivedAt = 0;

  function topicOf(packet: AnyPacket): string {
    const topic = packet.topic;
    return typeof topic === 'string' ? topic : topic ? topic.toString() : '';
  }

  function unknownId(type: string, messageId: number | undefined, what: string): ReceivedCheck {
    return { problem: `${type} for packet id ${messageId ?? '(none)'}, but no ${what} is in flight under that id` };
  }

  return {
    sent(packet) {
      const p = packet as AnyPacket;
      if (p.cmd === 'publish') {
        if (!p.qos) {
          newestQos0.topic = topicOf(p);
          newestQos0.sentAt = now();
          return;
        }
        inFlight.set(p.messageId ?? 0, { cmd: 'publish', messageId: p.messageId ?? 0, qos: p.qos as 1 | 2, topic: topicOf(p), sentAt: now() });
      } else if (p.cmd === 'subscribe' || p.cmd === 'unsubscribe') {
        const topics = p.cmd === 'subscribe' ? (p.subscriptions ?? []).map((s) => s.topic) : (p.unsubscriptions ?? []);
        const maxQos = p.cmd === 'subscribe' ? Math.max(0, ...(p.subscriptions ?? []).map((s) => (s as { qos?: number }).qos ?? 0)) : 0;
        subscribes.set(p.messageId ?? 0, { cmd: p.cmd, messageId: p.messageId ?? 0, qos: maxQos as 0 | 1 | 2, topic: topics.join(', '), sentAt: now() });
      }
    },

    received(packet) {
      const p = packet as AnyPacket;
      lastReceivedAt = now();
      switch (p.cmd) {
        case 'puback': {
          const entry = inFlight.get(p.messageId ?? -1);
          if (!entry) return unknownId('PUBACK', p.messageId, 'QoS 1 PUBLISH');
          inFlight.delete(entry.messageId);
          strikes.delete(entry.messageId);
          if (entry.qos === 2) {
            return {
              problem: `PUBACK answered the QoS 2 PUBLISH to '${entry.topic}' (packet id ${entry.messageId}): a QoS 2 PUBLISH must be answered with PUBREC [MQTT-4.3.3-8]. The broker handled it as QoS 1: it may be delivered more than once.`,
              downgraded: { messageId: entry.messageId, topic: entry.topic, sentQos: 2, handledQos: 1 },
            };
          }
          return null;
        }
        case 'pubrec': {
          const entry = inFlight.get(p.messageId ?? -1);
          if (!entry) return unknownId('PUBREC', p.messageId, 'QoS 2 PUBLISH');
          if (entry.qos === 1) {
            return { problem: `PUBREC answered the QoS 1 PUBLISH to '${entry.topic}' (packet id ${entry.messageId}): a QoS 1 PUBLISH must be answered with PUBACK [MQTT-4.3.2-4]` };
          }
          entry.released = true;
          strikes.delete(entry.messageId);
          return null;
        }
        case 'pubcomp': {
          const entry = inFlight.get(p.messageId ?? -1);
          if (!entry || !entry.released) return unknownId('PUBCOMP', p.messageId, 'released QoS 2 PUBLISH');
          inFlight.delete(entry.messageId);
          return null;
        }
        case 'suback':
        case 'unsuback': {
          const entry = subscribes.get(p.messageId ?? -1);
          const expected = p.cmd === 'suback' ? 'subscribe' : 'unsubscribe';
          if (!entry || entry.cmd !== expected) return unknownId(p.cmd.toUpperCase(), p.messageId, expected.toUpperCase());
          subscribes.delete(entry.messageId);
          return null;
        }
        case 'publish': {
          const topic = topicOf(p);
          // Only a topic *name* is delivered; wildcards in it break [MQTT-3.3.2-2]. RabbitMQ maps AMQP's '*' to '+'.
          if (topic.includes('+') || topic.includes('#')) {
            return {
              problem: `The broker delivered a message on '${topic}', a topic name with a wildcard character, which [MQTT-3.3.2-2] forbids (RabbitMQ turns an AMQP routing key's '*' into '+' and '.' into '/'): it cannot be published back under that name`,
            };
          }
          return null;
        }
        default:
          return null;
      }
    },

    suspects(at, windowMs) {
      const since = at - windowMs;
      const found: SentPacket[] = [];
      for (const entry of inFlight.values()) if (!entry.released && entry.sentAt >= since) found.push(entry);
      for (const entry of subscribes.values()) if (entry.sentAt >= since) found.push(entry);
      // A QoS 0 PUBLISH is never answered: suspect only when nothing came back after it.
      if (newestQos0.sentAt >= since && newestQos0.sentAt >= lastReceivedAt) found.push({ ...newestQos0 });
      return found.sort((a, b) => a.sentAt - b.sentAt);
    },

    strike(messageId) {
      const count = (strikes.get(messageId) ?? 0) + 1;
      strikes.set(messageId, count);
      return count;
    },

    newNetworkConnection() {
      subscribes.clear();
      newestQos0.sentAt = -Infinity;
      for (const entry of inFlight.values()) entry.sentAt = -Infinity; // until resent
    },

    forget(messageId) {
      inFlight.delete(messageId);
      strikes.delete(messageId);
    },
  };
}
