import { type ConnectionOptions, type ErrorParams, type MqttMessage, WorkbenchFailure } from '../../../shared/contract';
import { type ConnectionManager, createConnectionManager } from '../engine/connection-manager';

/**
 * One connection of its own for a check (scripted checks, the broker check, the command line's
 * pub and sub): the app's engine, with what a check needs to see that the engine does not report,
 * such as the reason code of a refused SUBACK or PUBACK.
 */
export interface CheckSession {
  manager: ConnectionManager;
  connectionId: string;
  connack: Awaited<ReturnType<ConnectionManager['connect']>>;
  /** Set when the broker or the network closed the connection. */
  lost: Promise<string>;
  /** The reason codes of the last SUBACK received (the engine reports a refusal as an error, without its code). */
  lastSubackCodes(): number[] | undefined;
  /** The reason code of the last PUBACK or PUBREC received (MQTT 5; 0 when absent). */
  lastPublishAck(): number | undefined;
  close(): Promise<void>;
}

/** The connection could not be made; `code` is the engine's (HOST_UNREACHABLE, AUTH_FAILED, TLS_...). */
export class CheckConnectError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The connect failure's params (WorkbenchError.params), for the page's translation. */
    readonly params?: ErrorParams,
  ) {
    super(message);
  }
}

/** Connects with the engine; a failure is a CheckConnectError. `onMessage` receives every PUBLISH that arrives. */
export async function openCheckSession(options: ConnectionOptions, onMessage: (message: MqttMessage) => void = () => {}): Promise<CheckSession> {
  let reportLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (reportLost = resolve));
  let connectionId = '';
  let lastSuback: number[] | undefined;
  let lastAck: number | undefined;
  const manager = createConnectionManager({
    onStatus(summary) {
      if (summary.connectionId === connectionId && summary.status === 'disconnected') reportLost(summary.lastError?.message ?? 'The connection closed');
    },
    onMessage(message) {
      if (message.direction === 'in') onMessage(message);
    },
    onPacket(_connectionId, direction, packet) {
      if (direction !== 'in') return;
      if (packet.cmd === 'suback') lastSuback = [...packet.granted].map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos));
      if (packet.cmd === 'puback' || packet.cmd === 'pubrec') lastAck = packet.reasonCode ?? 0;
    },
  });
  let connack: CheckSession['connack'];
  try {
    connack = await manager.connect(options);
  } catch (error) {
    const code = error instanceof WorkbenchFailure ? error.code : undefined;
    throw new CheckConnectError(`Could not connect: ${error instanceof WorkbenchFailure ? `${error.message} [${error.code}]` : String(error)}`, code, error instanceof WorkbenchFailure ? error.params : undefined);
  }
  connectionId = connack.connectionId;
  return {
    manager,
    connectionId,
    connack,
    lost,
    lastSubackCodes: () => lastSuback,
    lastPublishAck: () => lastAck,
    async close() {
      if (manager.has(connectionId)) await manager.disconnect(connectionId).catch(() => {});
    },
  };
}
