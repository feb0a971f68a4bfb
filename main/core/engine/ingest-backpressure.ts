import type { MqttClient } from 'mqtt';

/** A hold never lasts longer than this, nor than a third of the keep alive. */
const MAX_HOLD_MS = 5000;
/** After a hold ran out, messages flow this long before the next one (the peer must see us read). */
const RELEASE_MS = 1000;

/**
 * Lets history push back on a connection instead of dropping its messages. mqtt.js reads the next
 * packet (and acknowledges a QoS 1 or 2 message) only once `handleMessage` calls back, so holding
 * the callback while history is crowded stops this client reading its socket: TCP, then the
 * broker's own flow control, slow the publishers down and nothing is lost. A hold is bounded, since
 * a PINGRESP waits behind it and keep alive must still succeed; when one runs out, messages flow for
 * RELEASE_MS and history drops and counts what it cannot take, as it does without this.
 */
export function holdWhileCrowded(client: MqttClient, whenRoom: () => Promise<void> | null, keepaliveSeconds: number): void {
  const holdMs = keepaliveSeconds > 0 ? Math.min(MAX_HOLD_MS, (keepaliveSeconds * 1000) / 3) : MAX_HOLD_MS;
  let releasedUntil = 0;
  client.handleMessage = (_packet, callback) => {
    const room = Date.now() < releasedUntil ? null : whenRoom();
    if (!room) return callback();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), holdMs);
    });
    void Promise.race([room, timedOut]).then((outcome) => {
      clearTimeout(timer);
      if (outcome === 'timeout') releasedUntil = Date.now() + RELEASE_MS;
      callback();
    });
  };
}
