import type { MqttClient, Packet } from 'mqtt';

/**
 * Durable capture: a QoS 1 or 2 message is acknowledged to the broker (PUBACK, PUBREC) only once
 * History has committed it. With a persistent session the broker keeps what was not acknowledged,
 * so a crash, a kill -9 or a full disk loses nothing: it is delivered again.
 *
 * mqtt.js sends the acknowledgement itself, and reads the next packet only after it did. So the
 * acknowledgement is held here instead: mqtt.js is told it went out (and reads on), while the real
 * PUBACK/PUBREC follows the next History commit, in the order the PUBLISHes came [MQTT-4.6.0-2].
 * A commit is requested once per turn of the event loop, for every message that arrived in it.
 * The broker's in-flight window (Receive Maximum; mosquitto's max_inflight_messages) then bounds
 * what is unacknowledged: `npm run bench -- history` measures the cost.
 */
type SendPacket = (packet: Packet, callback?: () => void, cbStorePut?: unknown, noStore?: boolean) => void;

export interface DurableAcks {
  /** A new network connection: acknowledgements held for the old one are dropped (the broker resends). */
  reset(): void;
}

export function holdAcksUntilCommitted(
  client: MqttClient,
  committed: () => Promise<boolean>,
  onNotStored: (messageId: number | undefined) => void,
): DurableAcks {
  const internal = client as unknown as { _sendPacket: SendPacket };
  const sendPacket = internal._sendPacket.bind(client);
  let epoch = 0;
  /** Resolves after the previous held acknowledgement went out: keeps them in order. */
  let last: Promise<unknown> = Promise.resolve();
  let nextCommit: Promise<boolean> | null = null;

  function commitPoint(): Promise<boolean> {
    nextCommit ??= new Promise<boolean>((resolve) => {
      // After this turn: every PUBLISH parsed from the same chunk is appended by then.
      setImmediate(() => {
        nextCommit = null;
        committed().then(resolve, () => resolve(false));
      });
    });
    return nextCommit;
  }

  internal._sendPacket = (packet, callback, cbStorePut, noStore) => {
    if (packet.cmd !== 'puback' && packet.cmd !== 'pubrec') return sendPacket(packet, callback, cbStorePut, noStore);
    const heldIn = epoch;
    const stored = commitPoint();
    last = Promise.all([last, stored]).then(([, ok]) => {
      if (heldIn !== epoch || !client.connected) return; // that connection is gone: the broker delivers again
      if (ok) sendPacket(packet, undefined, cbStorePut, noStore);
      else onNotStored((packet as { messageId?: number }).messageId);
    });
    callback?.(); // mqtt.js may read the next packet now
  };

  return {
    reset() {
      epoch++;
      last = Promise.resolve();
    },
  };
}
