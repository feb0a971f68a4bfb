import { describe, expect, it } from 'vitest';
import { compileTopicFilter, topicFilterProblem, topicMatches } from '../../shared/mqtt/topic';

// Every filter and topic made of these levels, up to four levels deep: the compiled matcher must
// agree with topicMatches on each pair, the spec's edge cases included.
const FILTER_LEVELS = ['a', 'b', '', '+', '#', '$SYS'];
const TOPIC_LEVELS = ['a', 'b', '', '$SYS', 'ab'];

function combinations(levels: readonly string[], depth: number): string[] {
  if (depth === 1) return [...levels];
  const shorter = combinations(levels, depth - 1);
  return [...shorter, ...shorter.flatMap((head) => levels.map((level) => `${head}/${level}`))];
}

const filters = [...new Set(combinations(FILTER_LEVELS, 4))].filter((filter) => topicFilterProblem(filter) === null);
const topics = [...new Set(combinations(TOPIC_LEVELS, 4))];

describe('compiled topic filters', () => {
  it('agree with topicMatches on every pair, $ topics and empty levels included [MQTT-4.7.2-1] [MQTT-4.7.1-2]', () => {
    expect(filters.length).toBeGreaterThan(500);
    let pairs = 0;
    for (const filter of filters) {
      const matches = compileTopicFilter(filter);
      for (const topic of topics) {
        if (matches(topic) !== topicMatches(filter, topic)) throw new Error(`'${filter}' vs '${topic}': compiled ${matches(topic)}, topicMatches ${topicMatches(filter, topic)}`);
        pairs++;
      }
    }
    expect(pairs).toBe(filters.length * topics.length);
  });

  it('match the spec examples: sport/tennis/player1/# and sport/+ [MQTT-4.7.1-2] [MQTT-4.7.1-3]', () => {
    const hash = compileTopicFilter('sport/tennis/player1/#');
    expect(['sport/tennis/player1', 'sport/tennis/player1/ranking', 'sport/tennis/player1/score/wimbledon'].every(hash)).toBe(true);
    expect(hash('sport/tennis/player2')).toBe(false);
    const plus = compileTopicFilter('sport/+');
    expect(plus('sport/')).toBe(true);
    expect(plus('sport')).toBe(false);
    expect(compileTopicFilter('+/+')('/finance')).toBe(true);
    expect(compileTopicFilter('#')('$SYS/broker')).toBe(false); // [MQTT-4.7.2-1]
    expect(compileTopicFilter('$SYS/#')('$SYS/broker')).toBe(true);
  });
});
