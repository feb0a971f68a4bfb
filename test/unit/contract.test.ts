import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, REQUEST_CHANNELS, contract } from '../../shared/contract';
import { createWorkbenchCore } from '../../main/core/create-core';

const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test' });
afterAll(() => core.close());

const validConnect = { protocol: 'mqtt', host: '127.0.0.1', port: 1883 };

/** Each row: a malformed request and the input path its error must name. */
const malformed: { name: string; channel: string; input: unknown; path: string }[] = [
  { name: 'connect without host', channel: 'connections.connect', input: { protocol: 'mqtt', port: 1883 }, path: 'host' },
  { name: 'connect with empty host', channel: 'connections.connect', input: { ...validConnect, host: '' }, path: 'host' },
  { name: 'connect with a URL as host', channel: 'connections.connect', input: { ...validConnect, host: 'mqtt://x' }, path: 'host' },
  { name: 'connect with port 0', channel: 'connections.connect', input: { ...validConnect, port: 0 }, path: 'port' },
  { name: 'connect with port 70000', channel: 'connections.connect', input: { ...validConnect, port: 70000 }, path: 'port' },
  { name: 'connect with a string port', channel: 'connections.connect', input: { ...validConnect, port: '1883' }, path: 'port' },
  { name: 'connect with protocol ftp', channel: 'connections.connect', input: { ...validConnect, protocol: 'ftp' }, path: 'protocol' },
  { name: 'connect with MQTT version 6', channel: 'connections.connect', input: { ...validConnect, protocolVersion: 6 }, path: 'protocolVersion' },
  { name: 'connect with negative keep alive', channel: 'connections.connect', input: { ...validConnect, keepaliveSeconds: -1 }, path: 'keepaliveSeconds' },
  { name: 'connect with a ws path not starting with /', channel: 'connections.connect', input: { ...validConnect, path: 'mqtt' }, path: 'path' },
  { name: 'connect with an unknown field', channel: 'connections.connect', input: { ...validConnect, evil: true }, path: '' },
  { name: 'connect with null input', channel: 'connections.connect', input: null, path: '' },
  { name: 'disconnect without id', channel: 'connections.disconnect', input: {}, path: 'connectionId' },
  { name: 'list with extra fields', channel: 'connections.list', input: { x: 1 }, path: '' },
  { name: 'subscribe with empty filter', channel: 'messages.subscribe', input: { connectionId: 'c1', filter: '' }, path: 'filter' },
  { name: 'subscribe with # not last [MQTT-4.7.1-1]', channel: 'messages.subscribe', input: { connectionId: 'c1', filter: 'a/#/b' }, path: 'filter' },
  { name: 'subscribe with a partial + level [MQTT-4.7.1-2]', channel: 'messages.subscribe', input: { connectionId: 'c1', filter: 'a/b+' }, path: 'filter' },
  { name: 'subscribe with QoS 3', channel: 'messages.subscribe', input: { connectionId: 'c1', filter: 'a', qos: 3 }, path: 'qos' },
  { name: 'publish to a wildcard topic [MQTT-3.3.2-2]', channel: 'messages.publish', input: { connectionId: 'c1', topic: 'a/+', payload: new Uint8Array() }, path: 'topic' },
  { name: 'publish to an empty topic [MQTT-4.7.3-1]', channel: 'messages.publish', input: { connectionId: 'c1', topic: '', payload: new Uint8Array() }, path: 'topic' },
  { name: 'publish with a NUL in the topic [MQTT-4.7.3-2]', channel: 'messages.publish', input: { connectionId: 'c1', topic: 'a\u0000b', payload: new Uint8Array() }, path: 'topic' },
  { name: 'publish with a string payload (bytes only)', channel: 'messages.publish', input: { connectionId: 'c1', topic: 'a', payload: 'text' }, path: 'payload' },
  { name: 'publish with an array payload', channel: 'messages.publish', input: { connectionId: 'c1', topic: 'a', payload: [1, 2] }, path: 'payload' },
  { name: 'publish with retain as a string', channel: 'messages.publish', input: { connectionId: 'c1', topic: 'a', payload: new Uint8Array(), retain: 'yes' }, path: 'retain' },
  { name: 'history query by an empty connection label', channel: 'history.query', input: { query: { connectionLabels: [''] } }, path: 'query.connectionLabels.0' },
  { name: 'history query by a label over 512 characters', channel: 'history.query', input: { query: { connectionLabels: ['x'.repeat(513)] } }, path: 'query.connectionLabels.0' },
  { name: 'history query by 101 labels', channel: 'history.query', input: { query: { connectionLabels: Array.from({ length: 101 }, (_, i) => `l${i}`) } }, path: 'query.connectionLabels' },
  { name: 'history query by the old connectionIds field', channel: 'history.query', input: { query: { connectionIds: ['c1'] } }, path: 'query' },
  { name: 'history count by a connection key that is not a string', channel: 'history.count', input: { query: { connectionKeys: [1] } }, path: 'query.connectionKeys.0' },
  { name: 'history clear without a connection key', channel: 'history.clear', input: {}, path: 'connectionKey' },
  { name: 'history connections with extra fields', channel: 'history.connections', input: { all: true }, path: '' },
  { name: 'payload search without ids', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: [], text: 'x' }, path: 'ids' },
  { name: 'payload search for 5001 ids', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: Array.from({ length: 5001 }, (_, i) => i), text: 'x' }, path: 'ids' },
  { name: 'payload search with a negative id', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: [-1], text: 'x' }, path: 'ids.0' },
  { name: 'payload search with a fractional id', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: [1.5], text: 'x' }, path: 'ids.0' },
  { name: 'payload search for empty text', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: [1], text: '' }, path: 'text' },
  { name: 'payload search for text over 1000 characters', channel: 'messages.searchPayloads', input: { connectionId: 'c1', ids: [1], text: 'x'.repeat(1001) }, path: 'text' },
  { name: 'payload search without a connection', channel: 'messages.searchPayloads', input: { ids: [1], text: 'x' }, path: 'connectionId' },
];

describe('contract: every request schema rejects malformed input with INVALID_REQUEST', () => {
  it.each(malformed)('$name', async ({ channel, input, path }) => {
    const result = await core.dispatcher.handle(channel, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_REQUEST');
    expect(result.error.message).toContain(channel);
    expect(result.error.details?.map((d) => d.path)).toContain(path);
  });

  it('answers an unknown channel with UNKNOWN_CHANNEL', async () => {
    const result = await core.dispatcher.handle('connections.format-disk', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const notAString = await core.dispatcher.handle({ toString: null }, {});
    expect(notAString).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('answers a valid request for a missing connection with CONNECTION_NOT_FOUND', async () => {
    const result = await core.dispatcher.handle('messages.publish', { connectionId: 'nope', topic: 'a', payload: new Uint8Array([1]) });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });

  it('derives channel names from the contract keys, so every domain is served', () => {
    for (const [domain, definition] of Object.entries(contract)) {
      for (const name of Object.keys(definition.requests)) expect(REQUEST_CHANNELS).toContain(`${domain}.${name}`);
      for (const name of Object.keys(definition.events)) expect(EVENT_CHANNELS).toContain(`${domain}.${name}`);
    }
    expect(REQUEST_CHANNELS).toEqual(expect.arrayContaining(['connections.connect', 'messages.publish', 'app.info']));
  });

  it('fills defaults so a minimal connect request is complete', async () => {
    const result = await core.dispatcher.handle('app.info', {});
    expect(result).toEqual({ ok: true, value: { version: 'test', shell: 'browser', secretsProtection: 'test', secretsProtectionInfo: { kind: 'memory' } } });
  });
});
