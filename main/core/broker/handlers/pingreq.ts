import { PINGRESP } from '../codec/encode';
import type { Client } from '../session';

/** [MQTT-3.12.4-1] every PINGREQ gets a PINGRESP, whatever the send quota ([MQTT-4.9.0-3]). */
export function handlePingreq(client: Client): void {
  client.write(PINGRESP);
}
