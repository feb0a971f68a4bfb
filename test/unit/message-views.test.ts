/**
 * The logic behind the message list, the message detail and the plots, without a browser: filters
 * and the incremental index the list pages through, the hex dump and payload modes, JSON paths,
 * and the bounded series buffers the chart draws from.
 */
import { describe, expect, it } from 'vitest';
import { formatClock } from '../../renderer/ui/clock';
import { formatTime } from '../../renderer/payload/format';
import type { MqttMessage } from '../../shared/contract';
import { FilteredIndex, type MessageFilter, NO_FILTER, createMatcher, subscriptionTopicFilter, topicFilterInputProblem } from '../../renderer/payload/message-filter';
import { hexDump } from '../../renderer/payload/hex-dump';
import { formatPath, numericLeaves, valueAt } from '../../renderer/payload/json-paths';
import { SHOWN_LIMITS, autoFormat, fullText, renderPayload, shouldWrap } from '../../renderer/payload/payload-view';
import { numberAt, parsePayload } from '../../renderer/payload/numeric-value';
import { SeriesBuffer, alignSeries } from '../../renderer/model/series-buffer';
import { yAxes } from '../../renderer/features/plots/chart-axes';
import { MessageRing, type RingMessage } from '../../renderer/model/message-ring';
import { earlierOnTopic, messageBySeq, useMessagesStore } from '../../renderer/stores/messages-store';
import { usePlotsStore, seriesBuffer } from '../../renderer/stores/plots-store';

const bytes = (text: string) => new TextEncoder().encode(text);

function message(topic: string, payload: string | Uint8Array, direction: 'in' | 'out' = 'in', connectionId = 'c1', timestamp = 1000): MqttMessage {
  return { connectionId, direction, topic, payload: typeof payload === 'string' ? bytes(payload) : payload, qos: 0, retain: false, dup: false, timestamp };
}

const filter = (change: Partial<MessageFilter>): MessageFilter => ({ ...NO_FILTER, ...change });

describe('message list filters', () => {
  it('lets everything through when no filter is set (the list then skips the index)', () => {
    expect(createMatcher(NO_FILTER)).toBeNull();
  });

  it('filters by direction', () => {
    const received = createMatcher(filter({ direction: 'in' }))!;
    expect(received(message('a', 'x', 'in'))).toBe(true);
    expect(received(message('a', 'x', 'out'))).toBe(false);
    expect(createMatcher(filter({ direction: 'out' }))!(message('a', 'x', 'out'))).toBe(true);
  });

  it('filters by topic filter with MQTT wildcards, $ topics excluded from leading wildcards', () => {
    const match = createMatcher(filter({ topic: 'sensors/+/temp' }))!;
    expect(match(message('sensors/kitchen/temp', '1'))).toBe(true);
    expect(match(message('sensors/kitchen/hum', '1'))).toBe(false);
    expect(match(message('sensors/a/b/temp', '1'))).toBe(false);
    const all = createMatcher(filter({ topic: '#' }))!;
    expect(all(message('$SYS/broker/uptime', '1'))).toBe(false);
    expect(createMatcher(filter({ topic: 'sensors/#' }))!(message('sensors', '1'))).toBe(true);
  });

  it('says why a typed topic filter is invalid, and ignores it rather than hiding everything', () => {
    expect(topicFilterInputProblem('')).toBeNull();
    expect(topicFilterInputProblem('a/#/b')).toMatch(/'#' must be/);
    expect(topicFilterInputProblem('a/b+')).toMatch(/'\+' must/);
    expect(createMatcher(filter({ topic: 'a/#/b' }))).toBeNull();
  });

  it('filters by subscription: received messages its filter matches, shared subscriptions by their filter', () => {
    expect(subscriptionTopicFilter('$share/group/sensors/#')).toBe('sensors/#');
    expect(subscriptionTopicFilter('sensors/#')).toBe('sensors/#');
    const match = createMatcher(filter({ subscription: '$share/g/sensors/#' }))!;
    expect(match(message('sensors/a', '1'))).toBe(true);
    expect(match(message('sensors/a', '1', 'out'))).toBe(false);
    expect(match(message('other', '1'))).toBe(false);
  });

  it('finds text in the topic or the payload, case-insensitively', () => {
    const match = createMatcher(filter({ text: 'HeLLo' }))!;
    expect(match(message('a', 'say hello world'))).toBe(true);
    expect(match(message('greetings/HELLO', '{}'))).toBe(true);
    expect(match(message('a', 'goodbye'))).toBe(false);
    expect(match(message('a', new Uint8Array([0xff, 0x68, 0x65, 0x6c, 0x6c, 0x6f])))).toBe(true);
  });

  it('asks the whole-payload search only about previews whose preview lacks the text and that pass every other test', () => {
    const consulted: string[] = [];
    const whole = { consult: (m: RingMessage) => (consulted.push(m.topic), m.topic === 'a/far') };
    const match = createMatcher(filter({ direction: 'in', text: 'needle' }), whole)!;
    const preview = (topic: string, text: string, direction: 'in' | 'out' = 'in'): RingMessage => ({ ...message(topic, text, direction), seq: 0, id: 1, payloadSize: 50_000 });
    expect(match(preview('a/far', 'no match in the first 4 KB'))).toBe(true);
    expect(match(preview('a/none', 'nothing'))).toBe(false);
    expect(match(preview('a/near', 'the needle is in the preview'))).toBe(true);
    expect(match(preview('a/sent', 'nothing', 'out'))).toBe(false);
    expect(match(message('a/whole', 'a whole small payload without it'))).toBe(false);
    expect(consulted).toEqual(['a/far', 'a/none']);
  });

  it('combines every part of the filter', () => {
    const match = createMatcher(filter({ direction: 'in', topic: 'a/#', text: 'x' }))!;
    expect(match(message('a/b', 'x'))).toBe(true);
    expect(match(message('a/b', 'y'))).toBe(false);
    expect(match(message('b', 'x'))).toBe(false);
    expect(match(message('a/b', 'x', 'out'))).toBe(false);
  });
});

describe('FilteredIndex', () => {
  function ring(capacity: number, count: number, topicOf: (seq: number) => string) {
    const r = new MessageRing(capacity);
    for (let seq = 0; seq < count; seq++) r.push({ ...message(topicOf(seq), String(seq)), seq });
    return r;
  }

  it('tests each message once and keeps the matching seqs in order', () => {
    const r = ring(100, 10, (seq) => (seq % 2 ? 'odd' : 'even'));
    let tested = 0;
    const index = new FilteredIndex((m) => (tested++, m.topic === 'odd'));
    index.sync(r, 0);
    expect(index.length).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => index.seqAt(i))).toEqual([1, 3, 5, 7, 9]);
    index.sync(r, 0);
    expect(tested).toBe(10);
    r.push({ ...message('odd', 'x'), seq: 10 });
    r.push({ ...message('odd', 'x'), seq: 11 });
    index.sync(r, 0);
    expect(tested).toBe(12);
    expect(index.seqAt(index.length - 1)).toBe(11);
  });

  it('drops matches that fall off the ring and counts them as the list offset', () => {
    const r = ring(4, 4, () => 't');
    const index = new FilteredIndex(() => true);
    index.sync(r, 0);
    for (let seq = 4; seq < 7; seq++) r.push({ ...message('t', 'x'), seq });
    index.sync(r, 0);
    expect(index.length).toBe(4);
    expect(index.dropped).toBe(3);
    expect(index.seqAt(0)).toBe(3);
  });

  it('stops at the pause point and catches up on resume, missing nothing', () => {
    const r = ring(100, 5, () => 't');
    const index = new FilteredIndex(() => true);
    index.sync(r, 0, 5);
    for (let seq = 5; seq < 9; seq++) r.push({ ...message('t', 'x'), seq });
    index.sync(r, 0, 5);
    expect(index.length).toBe(5);
    index.sync(r, 0);
    expect(index.length).toBe(9);
  });

  it('adds matches found later in order, once each, leaving untested seqs to the matcher', () => {
    const r = ring(100, 10, (seq) => (seq === 2 || seq === 8 ? 'hit' : 'miss'));
    const index = new FilteredIndex((m) => m.topic === 'hit');
    index.sync(r, 0, 7);
    expect([index.seqAt(0), index.length]).toEqual([2, 1]);
    // The host found matches in seqs 5 and 0 (and 2 again); 9 is past the pause point, not tested yet.
    index.include([0, 2, 5, 9]);
    expect([0, 1, 2].map((i) => index.seqAt(i))).toEqual([0, 2, 5]);
    expect(index.length).toBe(3);
    index.sync(r, 0);
    expect([0, 1, 2, 3].map((i) => index.seqAt(i))).toEqual([0, 2, 5, 8]);
  });

  it('rebuilds after the ring is cleared (a new epoch, seqs start again at 0)', () => {
    const r = ring(100, 5, () => 't');
    const index = new FilteredIndex(() => true);
    index.sync(r, 0);
    r.clear();
    r.push({ ...message('t', 'x'), seq: 0 });
    index.sync(r, 1);
    expect(index.length).toBe(1);
    expect(index.seqAt(0)).toBe(0);
  });
});

describe('hex dump', () => {
  it('shows offset, 16 bytes in two groups and the printable ASCII', () => {
    const dump = hexDump(bytes('{"a":1}\nHello, binary world!\u0000'));
    const lines = dump.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('00000000  7b 22 61 22 3a 31 7d 0a  48 65 6c 6c 6f 2c 20 62  |{"a":1}.Hello, b|');
    expect(lines[1]).toBe('00000010  69 6e 61 72 79 20 77 6f  72 6c 64 21 00           |inary world!.|');
  });

  it('stops at the limit and is empty for an empty payload', () => {
    expect(hexDump(new Uint8Array(100), 32).split('\n')).toHaveLength(2);
    expect(hexDump(new Uint8Array())).toBe('');
  });
});

describe('payload modes', () => {
  it('auto picks JSON for objects and arrays, text for text, hex for binary', () => {
    expect(autoFormat(bytes(' {"a": 1}'))).toBe('json');
    expect(autoFormat(bytes('[1, 2'))).toBe('text');
    expect(autoFormat(bytes('21.5'))).toBe('text');
    expect(autoFormat(new Uint8Array([0, 1, 2, 0xff]))).toBe('hex');
    expect(autoFormat(new Uint8Array())).toBe('text');
  });

  it('pretty-prints JSON', () => {
    const shown = renderPayload(bytes('{"rh":40,"a":[1,2]}'), 'json');
    expect(shown).toMatchObject({ format: 'json', language: 'json', canShowAll: false });
    expect(shown.text).toBe('{\n  "rh": 40,\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(shown.problem).toBeUndefined();
  });

  it('says why bad JSON is not JSON, and still shows the raw bytes as hex', () => {
    const shown = renderPayload(bytes('{"temp": 21.5,'), 'json');
    expect(shown.problem).toMatch(/^Not JSON: .+raw bytes/);
    expect(shown.format).toBe('hex');
    expect(shown.text).toContain('7b 22 74 65 6d 70 22 3a');
    expect(shown.text).toContain('|{"temp": 21.5,|');
  });

  it('says when bytes are not UTF-8 text, with the bytes as hex', () => {
    const shown = renderPayload(new Uint8Array([0xc3, 0x28, 0x41]), 'text');
    expect(shown.problem).toMatch(/not valid UTF-8/);
    expect(shown.text).toContain('c3 28 41');
  });

  it('shows Base64 and hex of the same bytes', () => {
    expect(renderPayload(bytes('hi!'), 'base64').text).toBe('aGkh');
    expect(renderPayload(bytes('hi!'), 'hex').text).toBe(`00000000  68 69 21${' '.repeat(41)} |hi!|`);
  });

  it('cuts a large payload to what the editor takes quickly, and shows all on request', () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x61);
    const shown = renderPayload(big, 'text');
    expect(shown.text.length).toBe(SHOWN_LIMITS.chars);
    expect(shown.cut).toMatch(/first 262,144 B of 3,145,728 B/);
    expect(shown.canShowAll).toBe(true);
    const all = renderPayload(big, 'text', true);
    expect(all.text.length).toBe(big.length);
    expect(all.cut).toBeUndefined();
    const hex = renderPayload(big, 'hex');
    expect(hex.text.split('\n')).toHaveLength(SHOWN_LIMITS.hexBytes / 16);
  });

  it('wraps text and JSON, but not hex dumps or lines too long to wrap cheaply', () => {
    expect(shouldWrap(renderPayload(bytes('{"a": "some text"}'), 'json'))).toBe(true);
    expect(shouldWrap(renderPayload(bytes('abc'), 'hex'))).toBe(false);
    expect(shouldWrap(renderPayload(bytes('x'.repeat(20_000)), 'text'))).toBe(false);
    expect(shouldWrap(renderPayload(bytes('short\n'.repeat(5000)), 'text'))).toBe(true);
  });

  it('does not cut a multi-byte character in two at the limit', () => {
    const text = 'a' + '€'.repeat(SHOWN_LIMITS.chars);
    const shown = renderPayload(bytes(text), 'text');
    expect(shown.problem).toBeUndefined();
    expect(shown.text.endsWith('€')).toBe(true);
  });

  it('copies the whole payload: pretty JSON, spaced hex, Base64, text', () => {
    expect(fullText(bytes('{"a":1}'), 'json')).toBe('{\n  "a": 1\n}');
    expect(fullText(bytes('AB'), 'hex')).toBe('41 42');
    expect(fullText(bytes('AB'), 'base64')).toBe('QUI=');
    expect(fullText(bytes('héllo'), 'text')).toBe('héllo');
  });
});

describe('JSON paths', () => {
  const doc = { temp: 21.5, name: 'x', ok: true, nested: { 'odd key': 3, list: [1, { v: -2 }] }, nothing: null };

  it('lists numeric fields in document order, with readable paths', () => {
    const leaves = numericLeaves(doc);
    expect(leaves.map((l) => [formatPath(l.path), l.value])).toEqual([
      ['temp', 21.5],
      ['nested["odd key"]', 3],
      ['nested.list[0]', 1],
      ['nested.list[1].v', -2],
    ]);
    expect(numericLeaves(42)).toEqual([{ path: [], value: 42 }]);
    expect(formatPath([])).toBe('$');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });

  it('bounds the list for huge arrays', () => {
    expect(numericLeaves(Array.from({ length: 10_000 }, (_, i) => i), 200)).toHaveLength(200);
  });

  it('reads a value back by its path, and nothing for paths that do not exist', () => {
    for (const leaf of numericLeaves(doc)) expect(valueAt(doc, leaf.path)).toBe(leaf.value);
    expect(valueAt(doc, ['nested', 'list', 5])).toBeUndefined();
    expect(valueAt(doc, ['temp', 'x'])).toBeUndefined();
    expect(valueAt(doc, ['nested', 'toString'])).toBeUndefined();
    expect(valueAt([1], ['0'])).toBeUndefined();
  });

  it('extracts a plotted number from payloads: a JSON field or a bare number', () => {
    expect(numberAt(parsePayload(bytes('{"t": {"v": 4.5}}')), ['t', 'v'])).toBe(4.5);
    expect(numberAt(parsePayload(bytes(' 21.5\n')), [])).toBe(21.5);
    expect(numberAt(parsePayload(bytes('1e3')), [])).toBe(1000);
    expect(numberAt(parsePayload(bytes('{"t": "4.5"}')), ['t'])).toBeUndefined();
    expect(numberAt(parsePayload(bytes('not a number')), [])).toBeUndefined();
    expect(parsePayload(new Uint8Array([0xff]))).toBeUndefined();
  });
});

describe('series buffers', () => {
  it('keeps the newest points up to its capacity', () => {
    const buffer = new SeriesBuffer(3);
    for (let i = 0; i < 5; i++) buffer.push(i, i * 10);
    expect(buffer.size).toBe(3);
    expect([buffer.x(0), buffer.y(0), buffer.x(2), buffer.y(2)]).toEqual([2, 20, 4, 40]);
    expect(buffer.firstAtOrAfter(3)).toBe(1);
    expect(buffer.firstAtOrAfter(99)).toBe(3);
  });

  it('aligns several series on one x axis with gaps as null, within a time window', () => {
    const a = new SeriesBuffer();
    const b = new SeriesBuffer();
    a.push(1, 10);
    a.push(3, 30);
    b.push(2, 200);
    b.push(3, 300);
    b.push(4, 400);
    expect(alignSeries([a, b])).toEqual([
      [1, 2, 3, 4],
      [10, null, 30, null],
      [null, 200, 300, 400],
    ]);
    expect(alignSeries([a, b], 3)).toEqual([
      [3, 4],
      [30, null],
      [300, 400],
    ]);
    expect(alignSeries([])).toEqual([[]]);
  });
});

describe('clock times', () => {
  it('reads HH:MM:SS in local time, with as many digits of the second as asked (the message list shows three, chart ticks what their spacing needs)', () => {
    const at = new Date(2026, 11, 5, 8, 4, 9, 37).getTime();
    expect(formatClock(at)).toBe('08:04:09');
    expect(formatClock(at, 1)).toBe('08:04:09.0');
    expect(formatClock(at, 2)).toBe('08:04:09.03');
    expect(formatTime(at)).toBe('08:04:09.037');
  });
});

describe('chart y axes', () => {
  const colours = { text: '#666', grid: '#ddd', font: '11px sans-serif' };
  const series = ['#2f81f7', '#e5534b', '#3fb950'].map((color, i) => ({ id: `s${i}`, connectionId: 'c', topic: 't', path: [`f${i}`], label: `t › f${i}`, color }));

  it('gives each series its own scale and axis, left and right in turn, coloured like its line, with one grid', () => {
    const y = yAxes(series, 'per-series', colours);
    expect(y.scaleOf).toEqual(['s0', 's1', 's2']);
    expect(Object.keys(y.scales)).toEqual(['s0', 's1', 's2']);
    expect(y.axes.map((a) => [a.scale, a.side, a.stroke, a.grid?.show])).toEqual([
      ['s0', 3, '#2f81f7', true],
      ['s1', 1, '#e5534b', false],
      ['s2', 3, '#3fb950', false],
    ]);
  });

  it('puts every series on one scale and one axis when shared', () => {
    const y = yAxes(series, 'shared', colours);
    expect(y.scaleOf).toEqual(['y', 'y', 'y']);
    expect(y.axes).toHaveLength(1);
    expect(y.axes[0]?.stroke).toBe('#666');
  });
});

describe('stores: diff candidates and plot series fed from messages', () => {
  it('finds the earlier messages of a topic, newest first', () => {
    useMessagesStore.getState().ingest([message('t', '1'), message('u', 'x'), message('t', '2'), message('t', '3')].map((m) => ({ ...m, connectionId: 'diff' })));
    useMessagesStore.getState().publish();
    const earlier = earlierOnTopic('diff', 3, 't', 10);
    expect(earlier.map((m) => m.seq)).toEqual([2, 0]);
    expect(messageBySeq('diff', 3)?.topic).toBe('t');
  });

  it('backfills a series from the kept messages and adds live ones, one store update per publish', () => {
    const store = usePlotsStore.getState();
    useMessagesStore.getState().ingest([message('p', '{"v": 1}', 'in', 'plot', 1000), message('p', '{"v": "x"}', 'in', 'plot', 2000), message('q', '{"v": 9}', 'in', 'plot', 2500)]);
    useMessagesStore.getState().publish();
    store.addSeries('plot', 'p', ['v']);
    const [series] = usePlotsStore.getState().series;
    expect(series?.label).toBe('p › v');
    expect(seriesBuffer(series!.id)?.size).toBe(1);
    const version = usePlotsStore.getState().version;
    usePlotsStore.getState().ingest([message('p', '{"v": 2}', 'in', 'plot', 3000), message('p', '{"v": 3}', 'in', 'plot', 4000)]);
    usePlotsStore.getState().ingest([message('p', '{"v": 4}', 'in', 'other', 4000)]);
    expect(usePlotsStore.getState().version).toBe(version);
    usePlotsStore.getState().publish();
    usePlotsStore.getState().publish();
    expect(usePlotsStore.getState().version).toBe(version + 1);
    const buffer = seriesBuffer(series!.id)!;
    expect(buffer.size).toBe(3);
    expect([buffer.x(2), buffer.y(2)]).toEqual([4, 3]);
    store.addSeries('plot', 'p', ['v']);
    expect(usePlotsStore.getState().notice).toMatch(/already plotted/);
    usePlotsStore.getState().removeSeries(series!.id);
    expect(usePlotsStore.getState().series).toEqual([]);
  });

  it('never plots a cut payload (a live preview of a big one), and says why when that is all there is', () => {
    const preview = { ...message('big', '{"v": 1, "pad": "', 'in', 'plot', 5000), payloadSize: 9000 };
    useMessagesStore.getState().ingest([preview]);
    useMessagesStore.getState().publish();
    usePlotsStore.getState().addSeries('plot', 'big', ['v']);
    const series = usePlotsStore.getState().series.find((s) => s.topic === 'big')!;
    expect(seriesBuffer(series.id)?.size).toBe(0);
    expect(usePlotsStore.getState().notice).toMatch(/over 4 KB .* cannot be plotted/);
    usePlotsStore.getState().ingest([{ ...message('big', '{"v": 2}', 'in', 'plot', 6000), payloadSize: 9000 } as MqttMessage, message('big', '{"v": 3}', 'in', 'plot', 7000)]);
    expect(seriesBuffer(series.id)?.size).toBe(1);
    usePlotsStore.getState().clear();
  });
});
