import type { MqttClient } from 'mqtt';
import { explainClose } from './close-refusals';
import type { Connection, StatusReporter } from './connection-state';
import { prepareEnhancedAuth } from './enhanced-auth';
import { reconnectDelayMs } from './reconnect-policy';

/** A connection that lives this long after its CONNACK was not closed "at once". */
const QUICK_CLOSE_MS = 10_000;
/** New connections closed at once, in a row, before reconnecting stops with a visible error. */
const QUICK_CLOSES_BEFORE_STOP = 5;

/** After an established connection drops: retry with backoff until the cap, visibly. */
export function scheduleReconnect({ connection, status }: { connection: Connection; status: StatusReporter }): void {
  const policy = connection.options.reconnect;
  if (connection.closing || connection.reconnectTimer) return;
  if (!policy.enabled || (policy.maxAttempts > 0 && connection.reconnectAttempts >= policy.maxAttempts)) {
    const last = connection.lastError ? ` The last attempt: ${connection.lastError.message}` : '';
    const gaveUp = policy.enabled
      ? {
          code: 'RECONNECT_STOPPED',
          message: `Gave up after ${connection.reconnectAttempts} reconnect attempts.${last}`,
          params: { reason: 'gaveUp' as const, attempts: connection.reconnectAttempts },
        }
      : undefined;
    delete connection.nextReconnectAt;
    status.setStatus(connection, 'disconnected', gaveUp);
    return;
  }
  connection.reconnectAttempts++;
  const delay = reconnectDelayMs(connection.reconnectAttempts, policy.initialDelayMs, policy.maxDelayMs);
  connection.nextReconnectAt = Date.now() + delay;
  connection.status = 'reconnecting';
  status.emitStatus(connection);
  connection.reconnectTimer = setTimeout(() => {
    delete connection.reconnectTimer;
    if (connection.closing) return;
    // Keep the in-flight QoS 1/2 stores so nothing queued is lost across the reconnect.
    const client = connection.client as MqttClient & { incomingStore: never; outgoingStore: never };
    startNetworkConnection(connection);
    prepareEnhancedAuth(connection);
    client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
  }, delay);
}

/** A new network connection starts (first attempt or reconnect): nothing of the last one carries over. */
export function startNetworkConnection(connection: Connection): void {
  connection.acknowledged = false;
  delete connection.closeCause;
  delete connection.disconnectReason;
  connection.aliases.clear();
  connection.tracker.newNetworkConnection();
  connection.durable?.reset();
}

/** An established network connection closed (not by the user): say why, then reconnect or stop. */
export function onEstablishedClose({ connection, status }: { connection: Connection; status: StatusReporter }): void {
  connection.requests.failAll('CONNECTION_CLOSED');
  const refusal = explainClose(connection);
  const cause = refusal ??
    connection.closeCause ?? { code: 'CONNECTION_LOST' as const, message: `The broker at ${connection.url} closed the connection`, params: { reason: 'brokerClosed' as const, url: connection.url } };
  // Errors were recorded when they happened; a close with no error before it is recorded here.
  if (!connection.closeCause || refusal) status.recordProblem(connection, { code: cause.code, message: cause.message, params: cause.params, emitSoon: false });
  const livedMs = connection.connectedAt === undefined ? 0 : Date.now() - connection.connectedAt;
  connection.quickCloses = livedMs < QUICK_CLOSE_MS ? connection.quickCloses + 1 : 0;
  connection.lastError = cause;
  if (connection.quickCloses >= QUICK_CLOSES_BEFORE_STOP) {
    const message = `Reconnecting stopped: the broker closed the connection ${connection.quickCloses} times in a row within ${QUICK_CLOSE_MS / 1000} s of accepting it. The last time: ${cause.message} Check the broker's log (permissions, another client with the same client id), then connect again.`;
    const params = { reason: 'quickCloses' as const, closes: connection.quickCloses, seconds: QUICK_CLOSE_MS / 1000 };
    status.recordProblem(connection, { code: 'RECONNECT_STOPPED', message, params, emitSoon: false });
    connection.closing = true;
    delete connection.nextReconnectAt;
    status.setStatus(connection, 'disconnected', { code: 'RECONNECT_STOPPED', message, params });
    return;
  }
  scheduleReconnect({ connection, status });
}
