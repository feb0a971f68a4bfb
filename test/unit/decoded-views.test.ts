import { describe, expect, it } from 'vitest';
import type { MqttMessage } from '../../shared/contract';
import type { DecodedPayload } from '../../shared/contract/codec-rules';
import { TopicTree } from '../../renderer/model/topic-tree';
import { filtersForTopic, parseDecoded } from '../../renderer/payload/decoded';
import { NO_FILTER, createMatcher } from '../../renderer/payload/message-filter';

// What the live views make of a message a codec rule decoded in the host (issue 16).
const decoded = (text: string, extra: Partial<DecodedPayload> = {}): DecodedPayload => ({ ruleId: 'r', ruleName: 'R', format: 'protobuf', text, json: true, ...extra });
const message = (topic: string, payload: number[], d?: DecodedPayload): MqttMessage & { decoded?: DecodedPayload } => ({
  connectionId: 'c1',
  direction: 'in',
  topic,
  payload: Uint8Array.from(payload),
  qos: 0,
  retain: false,
  dup: false,
  timestamp: 1,
  ...(d ? { decoded: d } : {}),
});

describe('decoded payloads in the live views', () => {
  it('the text filter matches the decoded text, not only the bytes', () => {
    const match = createMatcher({ ...NO_FILTER, text: 'press-7' })!;
    expect(match(message('f/1/t', [0x0a, 0x07], decoded('{"device":"press-7"}')))).toBe(true);
    expect(match(message('f/1/t', [0x0a, 0x07], decoded('{"device":"press-8"}')))).toBe(false);
  });

  it('"Only invalid" keeps the messages that fail their JSON Schema', () => {
    const match = createMatcher({ ...NO_FILTER, onlyInvalid: true })!;
    expect(match(message('a', [1], decoded('{"c":"warm"}', { invalid: [{ path: '/c', keyword: 'type', message: 'must be number' }] })))).toBe(true);
    expect(match(message('a', [1], decoded('{"c":1}')))).toBe(false);
    expect(match(message('a', [1]))).toBe(false);
  });

  it("the tree's last value is the decoded text, and raw again when the rule could not decode it", () => {
    const tree = new TopicTree();
    tree.ingest({ ...message('f/1/t', [0x0a, 0x07], decoded('{"temperature":\n21.5}')) }, 0, 1);
    const node = tree.find('f/1/t')!;
    expect(node.preview).toBe('{"temperature": 21.5}');
    expect(node.decoded?.format).toBe('protobuf');
    tree.ingest({ ...message('f/1/t', [0x68, 0x69], decoded('68 69', { json: false, problem: { message: 'index out of range', offset: 2 } })) }, 1, 2);
    expect(node.preview).toBe('hi');
    expect(node.decoded).toBeUndefined();
  });

  it('plots read numbers only from whole decoded JSON', () => {
    expect(parseDecoded(decoded('{"t":21.5}'))).toEqual({ t: 21.5 });
    expect(parseDecoded(decoded('{"t":21.5', { truncated: true }))).toBeUndefined();
    expect(parseDecoded(decoded('hello', { json: false }))).toBeUndefined();
  });

  it('offers a topic and its wildcarded parents as rule filters', () => {
    expect(filtersForTopic('a')).toEqual(['a']);
    expect(filtersForTopic('a/b')).toEqual(['a/b', '+/b', 'a/#']);
  });
});
