import { describeReason, RC } from '../../../shared/mqtt/reason-codes';
import type { ErrorParams, ErrorReason } from '../../../shared/contract';
import type { DescribedError } from './connect-errors';
import type { Connection } from './connection-state';
import type { SentPacket } from './outgoing-tracker';

/** A close this soon after an unanswered PUBLISH/SUBSCRIBE is taken as the broker's answer to it. */
const REFUSAL_WINDOW_MS = 3000;
/** A close after a QoS 1/2 PUBLISH this many times in a row: the broker refuses it; stop resending. */
const STRIKES_BEFORE_REFUSED = 2;
/** DISCONNECT reasons about the server or the session, not about the packet just sent. */
const NOT_ABOUT_THE_PACKET = new Set<number>([
  RC.SUCCESS,
  RC.DISCONNECT_WITH_WILL,
  RC.SERVER_BUSY,
  RC.SERVER_SHUTTING_DOWN,
  RC.KEEP_ALIVE_TIMEOUT,
  RC.SESSION_TAKEN_OVER,
  RC.ADMINISTRATIVE_ACTION,
  RC.USE_ANOTHER_SERVER,
  RC.SERVER_MOVED,
  RC.MAXIMUM_CONNECT_TIME,
]);

function describeSuspect(suspect: SentPacket): string {
  if (suspect.cmd === 'publish') return `the QoS ${suspect.qos} PUBLISH to '${suspect.topic}'`;
  return `the ${suspect.cmd.toUpperCase()} of '${suspect.topic}'${suspect.cmd === 'subscribe' ? ` at QoS ${suspect.qos}` : ''}`;
}

/** What the broker may not allow, by packet: said in the refusal, since a close carries no reason. */
function mayNotAllow(suspect: SentPacket): string {
  if (suspect.cmd === 'publish') return `it may not allow ${suspect.qos === 2 ? 'QoS 2 (NATS does not support it), ' : ''}this topic, or publishing for this user`;
  return `it may not allow this filter${suspect.qos === 2 ? ', QoS 2' : ''}, or subscribing for this user`;
}

/** The values of a refusal's message, for the UI's translation; the DISCONNECT reason, if any, as the detail. */
function refusalParams(suspect: SentPacket, reason: ErrorReason, disconnect: string, extra: Record<string, number> = {}): ErrorParams {
  const params: ErrorParams = { reason, qos: suspect.qos, ...extra };
  params[suspect.cmd === 'publish' ? 'topic' : 'filter'] = suspect.topic;
  if (disconnect) params.detail = disconnect;
  return params;
}


/**
 * The broker closed an established connection. A PUBLISH or SUBSCRIBE it left unanswered just
 * before is the likely reason (brokers without MQTT 5 reason codes refuse by closing): a SUBSCRIBE
 * fails at once; a QoS 1/2 PUBLISH is sent once more (a broker restart must not lose it) and taken
 * out of the store when the next connection closes after it too, or at once when a DISCONNECT
 * reason says so; a QoS 0 PUBLISH cannot be recalled, but is named. Returns the refusal, if any.
 */
export function explainClose(connection: Connection): DescribedError | null {
  if (connection.closeCause && connection.closeCause.code !== 'BROKER_DISCONNECTED') return null; // a socket error or timeout: not a refusal
  const reason = connection.disconnectReason;
  if (reason !== undefined && NOT_ABOUT_THE_PACKET.has(reason)) return null;
  const suspects = connection.tracker.suspects(Date.now(), REFUSAL_WINDOW_MS);
  if (suspects.length === 0) return null;
  const refusedByReason = reason !== undefined && reason >= 0x80;
  const disconnect = refusedByReason ? `DISCONNECT ${describeReason(reason)}` : '';
  const because = refusedByReason ? ` with ${disconnect}` : '';
  let refusal: DescribedError | null = null;
  let note: DescribedError | null = null;
  for (const suspect of suspects) {
    if (suspect.cmd === 'publish' && suspect.qos > 0) {
      const strikes = connection.tracker.strike(suspect.messageId);
      if (!refusedByReason && strikes < STRIKES_BEFORE_REFUSED) {
        // Sent once more after the reconnect: a broker that restarted must not lose it.
        note = {
          code: 'CONNECTION_LOST',
          message: `The broker closed the connection right after ${describeSuspect(suspect)}, which was not acknowledged: it will be sent once more, and taken out of the queue if the broker closes the connection again.`,
          params: refusalParams(suspect, 'publishWillResend', ''),
        };
        continue;
      }
      const message = `The broker closed the connection${because} right after ${describeSuspect(suspect)}${strikes > 1 ? `, ${strikes} times` : ''}: ${mayNotAllow(suspect)}. The message was taken out of the queue and will not be sent again.`;
      const params = refusalParams(suspect, 'publishRefused', disconnect, { times: strikes });
      takeOutOfQueue(connection, suspect.messageId, message, params);
      refusal = { code: 'MESSAGE_REFUSED', message, params };
    } else if (suspect.cmd === 'publish') {
      refusal = {
        code: 'MESSAGE_REFUSED',
        message: `The broker closed the connection${because} right after ${describeSuspect(suspect)}: ${mayNotAllow(suspect)}. QoS 0 is never acknowledged, so the message was most likely lost.`,
        params: refusalParams(suspect, 'publishRefusedQos0', disconnect),
      };
    } else {
      refusal = {
        code: 'MESSAGE_REFUSED',
        message: `The broker closed the connection${because} right after ${describeSuspect(suspect)}: ${mayNotAllow(suspect)}.`,
        params: refusalParams(suspect, suspect.cmd === 'subscribe' ? 'subscribeRefused' : 'unsubscribeRefused', disconnect),
      };
    }
  }
  return refusal ?? note;
}

/**
 * Takes a refused QoS 1/2 PUBLISH out of mqtt.js's outgoing store, so no reconnect sends it again,
 * and settles its publish() with the reason (mqtt.js would say only "Message removed").
 */
function takeOutOfQueue(connection: Connection, messageId: number, reason: string, params: ErrorParams): void {
  connection.tracker.forget(messageId);
  const entry = connection.client.outgoing[messageId];
  if (entry) {
    const settle = entry.cb;
    entry.cb = () => settle(Object.assign(new Error(reason), { refusedByBroker: true, params }));
  }
  connection.client.removeOutgoingMessage(messageId);
}

