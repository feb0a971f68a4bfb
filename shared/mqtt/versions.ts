import type { MqttVersion, ProtocolVersionChoice } from '../contract/connections';

/** How a version reads to a user: 5 → "5.0", 4 → "3.1.1", 3 → "3.1", 'auto' → "Auto". One place for the engine's messages and the UI. */
export function versionLabel(version: MqttVersion | ProtocolVersionChoice): string {
  return version === 'auto' ? 'Auto' : version === 5 ? '5.0' : version === 4 ? '3.1.1' : '3.1';
}
