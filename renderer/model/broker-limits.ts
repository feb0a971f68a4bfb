import type { BrokerLimits } from '../../shared/contract';

// The Broker view's mosquitto.conf limits: names, and the form's text turned into broker.start limits
// (no DOM here, so the integration tests use the same function as the form).

/** The numeric mosquitto.conf limits of the form, by their mosquitto names. */
export const LIMIT_FIELDS = [
  { key: 'maxKeepalive', name: 'max_keepalive', hint: 'Server Keep Alive for v5 clients asking for more' },
  { key: 'maxInflightMessages', name: 'max_inflight_messages', hint: 'Receive Maximum; 0 = 65535' },
  { key: 'maxQueuedMessages', name: 'max_queued_messages', hint: 'per session' },
  { key: 'maxPacketSize', name: 'max_packet_size', hint: 'bytes; 0 = MQTT maximum' },
  { key: 'messageSizeLimit', name: 'message_size_limit', hint: 'payload bytes; 0 = no limit' },
] as const;
export type LimitKey = (typeof LIMIT_FIELDS)[number]['key'];

/** The limits part of broker.start from the form ('' = default), or the problem that stops it. */
export function limitsFromForm(form: { limits: Record<LimitKey, string>; retainAvailable: boolean }): { limits: BrokerLimits; problem?: string } {
  const limits: BrokerLimits = {};
  for (const { key, name } of LIMIT_FIELDS) {
    const text = form.limits[key].trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text)) return { limits, problem: `${name} must be a whole number` };
    limits[key] = Number(text);
  }
  if (limits.maxQueuedMessages === 0) return { limits, problem: 'max_queued_messages must be at least 1' };
  if (limits.maxPacketSize !== undefined && limits.maxPacketSize > 0 && limits.maxPacketSize < 20) return { limits, problem: 'max_packet_size is 0 (the MQTT maximum) or at least 20' };
  if (!form.retainAvailable) limits.retainAvailable = false;
  return { limits };
}
