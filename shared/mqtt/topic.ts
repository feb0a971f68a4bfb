/** MQTT topic name and topic filter rules, shared by the UI (early feedback) and the core. */

const MAX_TOPIC_BYTES = 65535;

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Returns a reason the topic name cannot be published to, or null when it is valid. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0) return 'Topic must not be empty'; // [MQTT-4.7.3-1]
  if (utf8Length(topic) > MAX_TOPIC_BYTES) return 'Topic is longer than 65535 bytes';
  if (topic.includes('\u0000')) return 'Topic must not contain U+0000'; // [MQTT-4.7.3-2]
  if (topic.includes('+') || topic.includes('#')) return 'Topic name must not contain wildcards + or #'; // [MQTT-3.3.2-2]
  return null;
}

/** Returns a reason the topic filter cannot be subscribed to, or null when it is valid. */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return 'Topic filter must not be empty'; // [MQTT-4.7.3-1]
  if (utf8Length(filter) > MAX_TOPIC_BYTES) return 'Topic filter is longer than 65535 bytes';
  if (filter.includes('\u0000')) return 'Topic filter must not contain U+0000'; // [MQTT-4.7.3-2]
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return "'#' must be a whole level and the last one"; // [MQTT-4.7.1-1]
    }
    if (level.includes('+') && level !== '+') return "'+' must occupy a whole level"; // [MQTT-4.7.1-2]
  }
  return null;
}

/** True when the topic name matches the filter; `$` topics never match a leading wildcard. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false; // [MQTT-4.7.2-1]
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * `topicMatches` for one filter checked against many topics (codec rules, per message): the filter
 * is split once, and a topic is walked in place with no array or substring made per call. Same
 * answers as `topicMatches`, including [MQTT-4.7.2-1] and '#' matching its parent level.
 */
export function compileTopicFilter(filter: string): (topic: string) => boolean {
  if (!filter.includes('+') && !filter.includes('#')) return (topic) => topic === filter;
  const levels = filter.split('/');
  const leadingWildcard = filter.startsWith('+') || filter.startsWith('#');
  return (topic) => {
    if (leadingWildcard && topic.charCodeAt(0) === 0x24) return false; // '$' [MQTT-4.7.2-1]
    let start = 0; // where the topic's next level starts; -1 once every level is used
    for (const level of levels) {
      if (level === '#') return true;
      if (start < 0) return false;
      const slash = topic.indexOf('/', start);
      const end = slash === -1 ? topic.length : slash;
      if (level !== '+' && (end - start !== level.length || !topic.startsWith(level, start))) return false;
      start = slash === -1 ? -1 : slash + 1;
    }
    return start < 0;
  };
}
