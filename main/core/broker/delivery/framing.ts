import type { PublishVariant } from '../codec/encode';
import type { Client, Pending } from '../session';

function frameSize(frames: Buffer[]): number {
  let size = 0;
  for (const frame of frames) size += frame.length;
  return size;
}

/**
 * Frames one PUBLISH of `pending` for one client, or null when it exceeds the client's Maximum
 * Packet Size ([MQTT-3.1.2-25]). Towards a v5 client that allows topic aliases, a topic gets an alias
 * the first time it is sent (while aliases remain, 1..its maximum: [MQTT-3.3.2-11] [MQTT-3.1.2-26])
 * and later copies carry the alias and an empty topic. The mapping is committed only if the frame
 * fits, so the client always learned it.
 */
export function framesFor(client: Client, pending: Pending, packetId: number, dup: boolean, now: number): Buffer[] | null {
  const { msg } = pending;
  const v5 = client.version === 5;
  const limit = client.limits.maxPacketSize;
  // [MQTT-2.2.1-2] [MQTT-4.3.1-1] QoS 0: no packet id, DUP 0; the same frames for every such subscriber
  if (pending.qos === 0 && !pending.subscriptionIds && (!v5 || client.limits.topicAliasMaximum === 0)) {
    const frames = msg.qos0Frame(v5, pending.retain, now);
    return frameSize(frames) > limit ? null : frames;
  }
  const variant: PublishVariant = {
    qos: pending.qos,
    packetId,
    dup,
    retain: pending.retain,
    expiry: msg.remainingExpiry(now),
    subscriptionIds: pending.subscriptionIds ?? null,
    topicAlias: 0,
    omitTopic: false,
  };
  if (v5 && client.limits.topicAliasMaximum > 0) {
    const aliases = (client.flow.aliases ??= new Map());
    const known = aliases.get(msg.topic);
    if (known !== undefined) {
      variant.topicAlias = known;
      variant.omitTopic = true;
      const frames = msg.encode(v5, variant);
      return frameSize(frames) > limit ? null : frames;
    }
    if (aliases.size < client.limits.topicAliasMaximum) {
      variant.topicAlias = aliases.size + 1;
      const frames = msg.encode(v5, variant);
      if (frameSize(frames) <= limit) {
        aliases.set(msg.topic, variant.topicAlias);
        return frames;
      }
      variant.topicAlias = 0;
    }
  }
  const frames = msg.encode(v5, variant);
  return frameSize(frames) > limit ? null : frames;
}
