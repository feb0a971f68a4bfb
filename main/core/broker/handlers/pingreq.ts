import { PINGRESP } from '../codec/encode';
import type { Connection } from '../connection';

/** [MQTT-3.12.4-1] every PINGREQ gets a PINGRESP, whatever the send quota ([MQTT-4.9.0-3]). */
export function handlePingreq(connection: Connection): void {
  connection.write(PINGRESP);
}
