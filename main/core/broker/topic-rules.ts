import { topicFilterProblem, topicNameProblem } from '../../../shared/mqtt/topic';

/** A parsed subscription filter: "$share/{group}/{filter}" split ([MQTT-4.8.2-1] [MQTT-4.8.2-2]). */
export interface ParsedFilter {
  group: string | null;
  topicFilter: string;
  problem: string | null;
}

export function parseFilter(filter: string, maxLevels: number): ParsedFilter {
  let group: string | null = null;
  let topicFilter = filter;
  if (filter.startsWith('$share/')) {
    const rest = filter.slice(7);
    const slash = rest.indexOf('/');
    if (slash <= 0) return { group: null, topicFilter: filter, problem: 'a shared subscription needs $share/{ShareName}/{filter}' };
    group = rest.slice(0, slash);
    if (group.includes('+') || group.includes('#')) return { group, topicFilter, problem: 'ShareName must not contain + or #' };
    topicFilter = rest.slice(slash + 1);
  }
  const problem = topicFilterProblem(topicFilter) ?? levelProblem(topicFilter, maxLevels);
  return { group, topicFilter, problem };
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
