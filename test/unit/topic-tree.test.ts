import { describe, expect, it } from 'vitest';
import { encodeSparkplug } from '../support/sparkplug';
import { PREVIEW_CHARS, RECENT_CHANGE_MS, TopicTree, type TreeMessage, type TreeView, previewOf } from '../../renderer/model/topic-tree';

const text = (s: string) => new TextEncoder().encode(s);
let clock = 1_000;
function msg(topic: string, payload: string | Uint8Array, options: Partial<TreeMessage> = {}): TreeMessage {
  return { topic, payload: typeof payload === 'string' ? text(payload) : payload, retain: false, qos: 0, timestamp: clock++, ...options };
}
const VIEW: TreeView = { topicFilter: '', payloadFilter: '', sort: 'name' };
const topicsOf = (tree: TopicTree, view: Partial<TreeView> = {}) => tree.rows({ ...VIEW, ...view }).map((r) => r.node.topic);

describe('topic tree model', () => {
  it('builds levels from topics and counts messages and sub-topics at every level', () => {
    const tree = new TopicTree();
    expect(tree.ingest(msg('home/kitchen/temp', '21'), 0, 0)).toBe(true);
    expect(tree.ingest(msg('home/kitchen/temp', '22'), 1, 0)).toBe(false); // no new node: values only
    tree.ingest(msg('home/kitchen/hum', '40'), 2, 0);
    tree.ingest(msg('home/hall/light', 'on'), 3, 0);
    tree.ingest(msg('home', 'root value'), 4, 0);

    const home = tree.find('home')!;
    expect(home.messages).toBe(1);
    expect(home.totalMessages).toBe(5);
    expect(home.subTopics).toBe(3);
    const kitchen = tree.find('home/kitchen')!;
    expect(kitchen.hasValue).toBe(false);
    expect(kitchen.totalMessages).toBe(3);
    expect(kitchen.subTopics).toBe(2);
    const temp = tree.find('home/kitchen/temp')!;
    expect(temp).toMatchObject({ name: 'temp', depth: 2, messages: 2, preview: '22', lastSeq: 1, subTopics: 0 });
    expect(tree.topicCount).toBe(4);
    expect(tree.messageCount).toBe(5);
  });

  it('keeps empty levels and leading slashes as levels of their own', () => {
    const tree = new TopicTree();
    tree.ingest(msg('/a//b', 'x'), 0, 0);
    expect(tree.find('/a//b')!.depth).toBe(3);
    expect(tree.find('')).toBeDefined();
    expect(tree.find('/a/')!.name).toBe('');
  });

  it('shows children of expanded nodes only, and expands or collapses all', () => {
    const tree = new TopicTree();
    for (const t of ['a/x/1', 'a/x/2', 'b/y']) tree.ingest(msg(t, 'v'), null, 0);
    expect(topicsOf(tree)).toEqual(['a', 'b']);
    tree.setExpanded(tree.find('a')!, true);
    expect(topicsOf(tree)).toEqual(['a', 'a/x', 'b']);
    tree.setAllExpanded(true);
    expect(topicsOf(tree)).toEqual(['a', 'a/x', 'a/x/1', 'a/x/2', 'b', 'b/y']);
    tree.setAllExpanded(false);
    expect(topicsOf(tree)).toEqual(['a', 'b']);
  });

  it('sorts by name (numbers in order), by messages and by recency', () => {
    const tree = new TopicTree();
    tree.ingest(msg('s/10', 'v'), null, 0);
    tree.ingest(msg('s/2', 'v'), null, 0);
    tree.ingest(msg('s/1', 'v'), null, 0);
    tree.ingest(msg('s/2', 'v'), null, 0);
    tree.ingest(msg('s/2', 'v'), null, 0);
    tree.ingest(msg('s/10', 'v'), null, 0);
    tree.ingest(msg('s/1', 'v'), null, 0); // newest
    tree.setAllExpanded(true);
    expect(topicsOf(tree, { sort: 'name' })).toEqual(['s', 's/1', 's/2', 's/10']);
    expect(topicsOf(tree, { sort: 'messages' })).toEqual(['s', 's/2', 's/1', 's/10']);
    expect(topicsOf(tree, { sort: 'recent' })).toEqual(['s', 's/1', 's/10', 's/2']);
    // A node added later invalidates the cached name order.
    tree.ingest(msg('s/3', 'v'), null, 0);
    expect(topicsOf(tree, { sort: 'name' })).toEqual(['s', 's/1', 's/2', 's/3', 's/10']);
  });

  it('filters by topic (substring, case-insensitive, or an MQTT filter) and opens the way to matches', () => {
    const tree = new TopicTree();
    for (const t of ['plant/Line1/temp', 'plant/line2/temp', 'plant/line2/pressure', 'office/temp']) tree.ingest(msg(t, 'v'), null, 0);
    // Collapsed, yet the matches show: their parents open for the filter.
    const rows = tree.rows({ ...VIEW, topicFilter: 'LINE2' });
    expect(rows.map((r) => r.node.topic)).toEqual(['plant', 'plant/line2']);
    expect(rows[0]!.forcedOpen).toBe(true);
    // A match shows its subtree as the user left it (collapsed here); expanded, all of it.
    tree.setExpanded(tree.find('plant/line2')!, true);
    expect(topicsOf(tree, { topicFilter: 'line2' })).toEqual(['plant', 'plant/line2', 'plant/line2/pressure', 'plant/line2/temp']);
    expect(topicsOf(tree, { topicFilter: '+/+/temp' })).toEqual(['plant', 'plant/Line1', 'plant/Line1/temp', 'plant/line2', 'plant/line2/temp']);
    expect(topicsOf(tree, { topicFilter: 'nothing' })).toEqual([]);
  });

  it('filters by the last value, case-insensitively', () => {
    const tree = new TopicTree();
    tree.ingest(msg('a/1', '{"state":"ALARM"}'), null, 0);
    tree.ingest(msg('a/2', '{"state":"ok"}'), null, 0);
    tree.ingest(msg('b/1', 'alarm cleared'), null, 0);
    tree.ingest(msg('b/1', 'fine'), null, 0); // only the last value counts
    expect(topicsOf(tree, { payloadFilter: 'alarm' })).toEqual(['a', 'a/1']);
    expect(topicsOf(tree, { payloadFilter: 'state', topicFilter: 'a/2' })).toEqual(['a', 'a/2']);
  });

  it('marks retained topics, clears the mark on an empty payload, and counts them per subtree', () => {
    const tree = new TopicTree();
    tree.ingest(msg('r/a', '1', { retain: true }), null, 0);
    tree.ingest(msg('r/b/c', '2', { retain: true }), null, 0);
    tree.ingest(msg('r/b/d', '3'), null, 0);
    // A live update without the flag does not mean the broker dropped the retained one.
    tree.ingest(msg('r/a', '4'), null, 0);
    expect(tree.find('r/a')!.retained).toBe(true);
    expect(tree.find('r')!.retainedTopics).toBe(2);
    expect(tree.retainedUnder(tree.find('r')!).sort()).toEqual(['r/a', 'r/b/c']);
    expect(tree.retainedUnder(tree.find('r/b')!)).toEqual(['r/b/c']);
    // How a retained message is deleted: an empty payload.
    tree.ingest(msg('r/b/c', ''), null, 0);
    expect(tree.find('r')!.retainedTopics).toBe(1);
    tree.clearRetained(['r/a']);
    expect(tree.find('r')!.retainedTopics).toBe(0);
    expect(tree.retainedUnder(tree.root)).toEqual([]);
  });

  it('previews a Sparkplug B payload decoded, metric by metric, as MQTT Explorer does', () => {
    const tree = new TopicTree();
    const ddata = encodeSparkplug({ timestamp: 1, metrics: [{ name: 'Axis/Temperature', datatype: 9, float_value: 41.5 }, { alias: 3, datatype: 11, boolean_value: true }, { name: 'Off', datatype: 10, is_null: true }] });
    tree.ingest(msg('spBv1.0/Plant1/DDATA/Line1/Robot1', ddata), null, 0);
    expect(tree.find('spBv1.0/Plant1/DDATA/Line1/Robot1')!.preview).toBe('Axis/Temperature=41.5 · alias 3=true · Off=null');
    // The same bytes elsewhere are binary as usual, and a cut Sparkplug payload cannot be decoded.
    tree.ingest(msg('plain/bytes', ddata), null, 0);
    expect(tree.find('plain/bytes')!.isBinary).toBe(true);
    tree.ingest(msg('spBv1.0/Plant1/DDATA/Line1/Robot2', ddata, { payloadSize: ddata.length + 5000 }), null, 0);
    expect(tree.find('spBv1.0/Plant1/DDATA/Line1/Robot2')!.isBinary).toBe(true);
  });

  it('keeps a short preview, never the payload: text, hex for binary, cut for big ones, decoded when first read', () => {
    expect(previewOf(text('line 1\nline 2'))).toEqual({ text: 'line 1 line 2', isBinary: false });
    expect(previewOf(text('a\r\n\tb ü'))).toEqual({ text: 'a b ü', isBinary: false });
    expect(previewOf(text('a\r\n\tb'))).toEqual({ text: 'a b', isBinary: false });
    expect(previewOf(new Uint8Array([0xde, 0xad, 0x00, 0x01]))).toEqual({ text: 'de ad 00 01', isBinary: true });
    const big = new Uint8Array(500_000).fill(0x61);
    const preview = previewOf(big);
    expect(preview.text.length).toBe(PREVIEW_CHARS + 1);
    // A multi-byte character cut by the preview's byte limit does not turn it into hex.
    expect(previewOf(text('é'.repeat(1000))).isBinary).toBe(false);

    const tree = new TopicTree();
    tree.ingest(msg('big', big), null, 0);
    const node = tree.find('big')!;
    expect(node.payloadSize).toBe(500_000);
    // Until a row reads it, the node holds a copy of the payload's head, never the 500 KB buffer...
    const held = Object.values(node).filter((v): v is Uint8Array => v instanceof Uint8Array);
    expect(held.every((bytes) => bytes.buffer !== big.buffer && bytes.buffer.byteLength <= PREVIEW_CHARS * 4)).toBe(true);
    // ...and once read, only the text.
    expect(node.preview).toBe(preview.text);
    expect(Object.values(node).some((v) => v instanceof Uint8Array)).toBe(false);
    // A later value replaces the preview.
    tree.ingest(msg('big', text('{"v": 2}')), null, 1);
    expect(node.preview).toBe('{"v": 2}');
  });

  it('sets the flash time on the node and every parent', () => {
    const tree = new TopicTree();
    tree.ingest(msg('a/b', '1'), null, 5);
    tree.ingest(msg('a/c', '1'), null, 9);
    expect(tree.find('a')!.changedAt).toBe(9);
    expect(tree.find('a/b')!.changedAt).toBe(5);
  });

  it('marks where a run of changes began: one flash per run, then a steady tint while it goes on', () => {
    const tree = new TopicTree();
    tree.ingest(msg('a/b', '1'), null, 5000);
    tree.ingest(msg('a/b', '2'), null, 5600);
    tree.ingest(msg('a/b', '3'), null, 6400);
    expect(tree.find('a/b')).toMatchObject({ burstStartedAt: 5000, changedAt: 6400 });
    // Quiet for RECENT_CHANGE_MS: the next change starts a new run (and a new flash).
    tree.ingest(msg('a/b', '4'), null, 6400 + RECENT_CHANGE_MS);
    expect(tree.find('a/b')).toMatchObject({ burstStartedAt: 6400 + RECENT_CHANGE_MS });
    expect(tree.find('a')!.burstStartedAt).toBe(6400 + RECENT_CHANGE_MS);
  });

  it('merges topics stored in history with live ones: the larger count, the newer value', () => {
    const tree = new TopicTree();
    tree.ingest(msg('h/live', 'new', { timestamp: 2000 }), 7, 0);
    tree.absorb({ topic: 'h/live', messages: 10, lastTimestamp: 1500, retained: false, qos: 0, payloadSize: 3, preview: text('old') }, 0);
    tree.absorb({ topic: 'h/stored', messages: 4, lastTimestamp: 1500, retained: true, qos: 1, payloadSize: 9, preview: text('stored va') }, 0);
    const live = tree.find('h/live')!;
    expect(live).toMatchObject({ messages: 10, preview: 'new', lastSeq: 7 });
    expect(tree.find('h/stored')).toMatchObject({ messages: 4, preview: 'stored va', retained: true, lastSeq: null });
    expect(tree.find('h')).toMatchObject({ totalMessages: 14, subTopics: 2, retainedTopics: 1 });
  });

  it('suggests known topics for a prefix, in name order, up to the limit', () => {
    const tree = new TopicTree();
    for (const t of ['sensors/temp/1', 'sensors/temp/2', 'sensors/tank', 'sensors/hum', 'status']) tree.ingest(msg(t, 'v'), null, 0);
    expect(tree.suggestions('sensors/t', 10)).toEqual(['sensors/tank', 'sensors/temp/1', 'sensors/temp/2']);
    expect(tree.suggestions('s', 2)).toEqual(['sensors/hum', 'sensors/tank']);
    expect(tree.suggestions('sensors/temp/', 10)).toEqual(['sensors/temp/1', 'sensors/temp/2']);
    expect(tree.suggestions('nope/', 10)).toEqual([]);
    expect(tree.suggestions('', 1)).toEqual(['sensors/hum']);
  });

  it('holds 100,000 topics, and a collapsed view stays small', () => {
    const tree = new TopicTree();
    for (let i = 0; i < 100_000; i++) tree.ingest(msg(`site/${i % 100}/device/${i}`, String(i)), i, 0);
    expect(tree.topicCount).toBe(100_000);
    expect(tree.find('site/7')!.subTopics).toBe(1000); // the "device" level itself carries no value
    expect(topicsOf(tree)).toEqual(['site']);
    tree.setAllExpanded(true);
    expect(tree.rows(VIEW).length).toBe(1 + 100 + 100 + 100_000);
    expect(tree.rows({ ...VIEW, topicFilter: 'device/99999' }).map((r) => r.node.topic)).toEqual([
      'site',
      'site/99',
      'site/99/device',
      'site/99/device/99999',
    ]);
  });
});

describe('topic tree and live payload previews', () => {
  it('takes the whole size from a live message that carries only the head of a big payload', () => {
    const tree = new TopicTree();
    tree.ingest({ ...msg('cam/frame', new Uint8Array(4096).fill(0x41)), payloadSize: 500_000 }, 0, 0);
    const node = tree.find('cam/frame')!;
    expect(node.payloadSize).toBe(500_000);
    expect(node.preview.endsWith('…')).toBe(true);
  });
});
