import type { ConnectionSummary } from '../../shared/contract';

/** A connected MQTT 5 connection as the host summarises it, for views tested without a host. */
export function connectedSummary(overrides: Partial<ConnectionSummary> = {}): ConnectionSummary {
  return {
    connectionId: 'c1',
    name: 'plant',
    connectionKey: 'quick:plant',
    status: 'connected',
    url: 'mqtt://127.0.0.1:1883',
    protocolVersion: 5,
    requestedVersion: 5,
    clientId: 'workbench-1',
    reconnectAttempts: 0,
    problems: [],
    problemCount: 0,
    hiddenDollarMessages: 0,
    subscriptions: [],
    ...overrides,
  };
}
