import { topicFilterProblem, topicNameProblem } from '../../../shared/mqtt/topic';

/** A parsed subscription filter: "$share/{group}/{filter}" split ([MQTT-4.8.2-1] [MQTT-4.8.2-2]). */
export interface ParsedFilter {
  group: string | null;
  topicFilter: string;
  problem: string | null;
  /**
   * The problem breaks a MUST of the topic rules ([MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.7.3-1]
   * [MQTT-4.8.2-1] [MQTT-4.8.2-2]): the packet is malformed. False for a well-formed filter we do not
   * accept (more levels than `maxTopicLevels`), which gets its failure code in SUBACK/UNSUBACK.
   */
  malformed: boolean;
}

export function parseFilter(filter: string, maxLevels: number): ParsedFilter {
  let group: string | null = null;
  let topicFilter = filter;
  if (filter.startsWith('$share/')) {
    const rest = filter.slice(7);
    const slash = rest.indexOf('/');
    if (slash <= 0) return { group: null, topicFilter: filter, problem: 'a shared subscription needs $share/{ShareName}/{filter}', malformed: true };
    group = rest.slice(0, slash);
    if (group.includes('+') || group.includes('#')) return { group, topicFilter, problem: 'ShareName must not contain + or #', malformed: true };
    topicFilter = rest.slice(slash + 1);
  }
  const syntax = topicFilterProblem(topicFilter);
  if (syntax) return { group, topicFilter, problem: group === null ? syntax : `${syntax} (after $share/${group}/)`, malformed: true };
  return { group, topicFilter, problem: levelProblem(topicFilter, maxLevels), malformed: false };
}

export function topicProblem(topic: string, maxLevels: number): string | null {
  return topicNameProblem(topic) ?? levelProblem(topic, maxLevels);
}

function levelProblem(topic: string, maxLevels: number): string | null {
  let levels = 1;
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 0x2f) levels++;
  return levels > maxLevels ? `more than ${maxLevels} topic levels` : null;
}

export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}
