import { EMPTY } from './codec/properties';
import type { QoS } from './codec/packets';
import { encodePublish, type PublishVariant } from './codec/encode';

/**
 * One application message as the broker holds it: routed to every subscriber, stored as retained,
 * queued for offline sessions. Immutable once created; what varies per delivery (QoS, packet id,
 * DUP, RETAIN, Subscription Identifiers, remaining expiry) is passed when it is encoded.
 */
export class Message {
  readonly topic: string;
  readonly topicBytes: Buffer;
  readonly payload: Buffer;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly forward: Buffer;
  /** Epoch ms after which the message is expired; 0 = never ([MQTT-3.3.2-5]). */
  readonly expiresAt: number;
  /** ClientID of the publisher (for No Local, [MQTT-3.8.3-3]); null for broker-made messages. */
  readonly origin: string | null;
  /** Cached QoS 0 encodings without per-delivery properties: [legacy retain0, legacy retain1, v5 r0, v5 r1]. */
  private readonly qos0Cache: Array<Buffer[] | undefined> = [undefined, undefined, undefined, undefined];

  constructor(init: {
    topic: string;
    /** `topic` already encoded (as received): copied instead of encoding the string again. */
    topicBytes?: Buffer | undefined;
    payload: Buffer;
    qos: QoS;
    retain: boolean;
    forward?: Buffer;
    expiryInterval?: number;
    origin: string | null;
    now: number;
  }) {
    this.topic = init.topic;
    // Topic bytes and an owned copy of the payload in one allocation: frames are slices of socket
    // chunks, which queued or retained messages must not pin.
    const topicLength = init.topicBytes ? init.topicBytes.length : Buffer.byteLength(init.topic, 'utf8');
    const store = Buffer.allocUnsafe(topicLength + init.payload.length);
    if (init.topicBytes) init.topicBytes.copy(store, 0);
    else store.write(init.topic, 0, 'utf8');
    init.payload.copy(store, topicLength);
    this.topicBytes = store.subarray(0, topicLength);
    this.payload = init.payload.length === 0 ? EMPTY : store.subarray(topicLength);
    this.qos = init.qos;
    this.retain = init.retain;
    this.forward = init.forward && init.forward.length > 0 ? init.forward : EMPTY;
    this.expiresAt = init.expiryInterval !== undefined ? init.now + init.expiryInterval * 1000 : 0;
    this.origin = init.origin;
  }

  isExpired(now: number): boolean {
    return this.expiresAt !== 0 && now >= this.expiresAt;
  }

  /** Remaining expiry in whole seconds, rounded up ([MQTT-3.3.2-6]); undefined when it has none. */
  remainingExpiry(now: number): number | undefined {
    if (this.expiresAt === 0) return undefined;
    return Math.max(1, Math.ceil((this.expiresAt - now) / 1000));
  }

  /** QoS 0 frames are the same for every subscriber of one protocol family: serialize once. */
  qos0Frame(v5: boolean, retain: boolean, now: number): Buffer[] {
    if (this.expiresAt !== 0) return this.encode(v5, qos0Variant(retain, this.remainingExpiry(now)));
    const index = (v5 ? 2 : 0) + (retain ? 1 : 0);
    let cached = this.qos0Cache[index];
    if (!cached) {
      cached = this.encode(v5, qos0Variant(retain, undefined));
      this.qos0Cache[index] = cached;
    }
    return cached;
  }

  /** One PUBLISH of this message; `variant` is what this delivery sets (QoS, id, DUP, RETAIN, ids, alias). */
  encode(v5: boolean, variant: PublishVariant): Buffer[] {
    return encodePublish(v5 ? 5 : 4, { topic: this.topicBytes, payload: this.payload, forward: this.forward }, variant);
  }
}

function qos0Variant(retain: boolean, expiry: number | undefined): PublishVariant {
  return { qos: 0, packetId: 0, dup: false, retain, expiry, subscriptionIds: null, topicAlias: 0, omitTopic: false };
}
