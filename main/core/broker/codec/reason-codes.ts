/** The reason codes (MQTT 5 and 3.1.1 CONNACK) are the app's one table, in shared/. */
import { RC, RC311 } from '../../../../shared/mqtt/reason-codes';

export { RC, RC311 };

/**
 * A packet the broker cannot accept. `reasonCode` is what a v5 peer is told (CONNACK before the
 * session is accepted, DISCONNECT after); 3.1.1/3.1 peers are simply disconnected ([3.1.1 MQTT-4.8.0-1]).
 */
export class MqttViolation extends Error {
  constructor(
    readonly reasonCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'MqttViolation';
  }
}

export function malformed(message: string): MqttViolation {
  return new MqttViolation(RC.MALFORMED_PACKET, message);
}

export function protocolError(message: string): MqttViolation {
  return new MqttViolation(RC.PROTOCOL_ERROR, message);
}
