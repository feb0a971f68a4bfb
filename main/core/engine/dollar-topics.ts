import { topicMatches } from '../../../shared/mqtt/topic';

/** `$share/group/filter` → `filter`: the part that matches topics. */
export function matchingPart(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const slash = filter.indexOf('/', '$share/'.length);
  return slash < 0 ? filter : filter.slice(slash + 1);
}

/**
 * True when a message on this `$` topic reached us only through filters that begin with a wildcard,
 * which [MQTT-4.7.2-1] says must not match topics beginning with `$` (NATS delivers `$JS/API/...`
 * and `$MQTT/sess/...` for `#`). Unknown subscriptions (none recorded, e.g. a session resumed from
 * an earlier run) give no verdict: the message is kept.
 */
export function deliveredAgainstDollarRule(topic: string, filters: Iterable<string>): boolean {
  if (topic.charCodeAt(0) !== 36 /* $ */) return false;
  let any = false;
  for (const filter of filters) {
    any = true;
    if (topicMatches(matchingPart(filter), topic)) return false;
  }
  return any;
}
