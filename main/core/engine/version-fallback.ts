import type { ConnectionOptions, ErrorCode, MqttVersion } from '../../../shared/contract';
import { versionLabel } from '../../../shared/mqtt/versions';

/**
 * MQTT version negotiation. MQTT has none: a client sends CONNECT in one version and a broker that
 * does not speak it either answers "unacceptable protocol version" (3.1.1: return code 1; MQTT 5:
 * 0x84) or, as RabbitMQ before 3.13 does with an MQTT 5 CONNECT, closes the socket without a
 * CONNACK. 'auto' therefore tries 5.0, then 3.1.1, then 3.1, moving on only for those two answers.
 */

/** The versions to try, newest first. SCRAM exists in MQTT 5 only, so it pins 'auto' to 5. */
export function versionsToTry(options: Pick<ConnectionOptions, 'protocolVersion' | 'enhancedAuth'>): MqttVersion[] {
  if (options.protocolVersion !== 'auto') return [options.protocolVersion];
  return options.enhancedAuth ? [5] : [5, 4, 3];
}

/** Failures of a CONNECT that mean "this broker may speak an older version": worth the next one. */
export function isVersionRefusal(code: ErrorCode): boolean {
  return code === 'UNSUPPORTED_PROTOCOL_VERSION' || code === 'CLOSED_BEFORE_CONNACK';
}

/** Why a newer version was left, in one sentence for the connection header. */
export function fallbackNote(refused: { version: MqttVersion; code: ErrorCode }[], used: MqttVersion, droppedV5Options: boolean): string {
  const reasons = refused.map(
    ({ version, code }) =>
      `MQTT ${versionLabel(version)} was ${code === 'UNSUPPORTED_PROTOCOL_VERSION' ? 'refused (unacceptable protocol version)' : 'answered by closing the connection'}`,
  );
  const dropped = droppedV5Options ? ' MQTT 5 properties of this connection (CONNECT and Will properties) were not sent.' : '';
  return `This broker speaks MQTT ${versionLabel(used)}: ${reasons.join('; ')}. Save MQTT ${versionLabel(used)} in the profile to connect at once next time.${dropped}`;
}

/** The hint added to a version refusal when the user chose that version (no fallback). */
export function explicitVersionHint(version: MqttVersion): string {
  return version === 5
    ? ' The broker may not speak MQTT 5 (RabbitMQ before 3.13, NATS and many embedded brokers speak only 3.1.1): choose MQTT 3.1.1 or Auto.'
    : version === 4
      ? ' The broker may speak only MQTT 3.1 or only 5.0: choose Auto to try each.'
      : ' The broker may not speak MQTT 3.1 (NATS, for one, speaks only 3.1.1): choose 3.1.1 or Auto.';
}
