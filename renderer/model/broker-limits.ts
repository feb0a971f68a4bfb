import type { BrokerLimits } from '../../shared/contract';
import { translate } from '../ui/i18n';

// The Broker view's mosquitto.conf limits: names, and the form's text turned into broker.start limits
// (no DOM here, so the integration tests use the same function as the form).

/** The numeric mosquitto.conf limits of the form, by their mosquitto names (hints: broker:limits.hint.<key>). */
export const LIMIT_FIELDS = [
  { key: 'maxKeepalive', name: 'max_keepalive' },
  { key: 'maxInflightMessages', name: 'max_inflight_messages' },
  { key: 'maxQueuedMessages', name: 'max_queued_messages' },
  { key: 'maxPacketSize', name: 'max_packet_size' },
  { key: 'messageSizeLimit', name: 'message_size_limit' },
] as const;
export type LimitKey = (typeof LIMIT_FIELDS)[number]['key'];

/** The limits part of broker.start from the form ('' = default), or the problem that stops it. */
export function limitsFromForm(form: { limits: Record<LimitKey, string>; retainAvailable: boolean }): { limits: BrokerLimits; problem?: string } {
  const limits: BrokerLimits = {};
  for (const { key, name } of LIMIT_FIELDS) {
    const text = form.limits[key].trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text)) return { limits, problem: translate('broker:limits.wholeNumber', { name }) };
    limits[key] = Number(text);
  }
  if (limits.maxQueuedMessages === 0) return { limits, problem: translate('broker:limits.queuedAtLeastOne') };
  if (limits.maxPacketSize !== undefined && limits.maxPacketSize > 0 && limits.maxPacketSize < 20) return { limits, problem: translate('broker:limits.packetSize') };
  if (!form.retainAvailable) limits.retainAvailable = false;
  return { limits };
}
