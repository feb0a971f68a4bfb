/**
 * Runs a callback from a timer or an event so that a bug in one session's handling (a Will, an
 * expiry, a drain) is reported instead of taking down the process the broker is embedded in.
 */
export function safely(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    process.emitWarning(`broker: ${what} failed: ${(error as Error)?.stack ?? String(error)}`, { code: 'MQTT_BROKER_INTERNAL' });
  }
}
