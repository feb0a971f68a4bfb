import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBroker, type Broker } from '../../main/core/broker/create-broker';
import { listenTcp, type TcpListener } from '../../main/core/broker/listeners/tcp';
import { listenWs, type WsListener } from '../../main/core/broker/listeners/ws';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { connectV5, frame, sleep, str } from '../support/raw-mqtt-client';
import { useMosquitto } from '../support/fixtures';

const mosquitto = useMosquitto();

// Interop: real clients (mqtt.js, mosquitto_pub/mosquitto_sub) against our broker, and the same
// scenario against mosquitto, comparing what each client observes. Plus WebSocket framing (section 6).

let broker: Broker;
let tcp: TcpListener;
let ws: WsListener;
let n = 0;
const id = (prefix = 'io') => `${prefix}-${++n}-${process.pid}`;

beforeAll(async () => {
  broker = createBroker();
  tcp = await listenTcp(broker, { port: 0 });
  ws = await listenWs(broker, { port: 0 });
});
afterAll(async () => {
  await broker?.close();
  await tcp?.close();
  await ws?.close();
});

interface Observation {
  granted: number[];
  messages: Array<{ topic: string; payload: string; qos: number; retain: boolean; userProperties?: unknown; contentType?: unknown }>;
}

async function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
}

/** One scenario for mqtt.js: retained message, then QoS 0/1/2 live messages, with v5 properties where possible. */
async function mqttJsScenario(url: string, protocolVersion: 3 | 4 | 5, prefix: string): Promise<Observation> {
  const base: IClientOptions = { protocolVersion, ...(protocolVersion === 3 ? { protocolId: 'MQIsdp' } : {}) };
  const pub = await connect(url, { ...base, clientId: id('pub') });
  const sub = await connect(url, { ...base, clientId: id('sub') });
  const messages: Observation['messages'] = [];
  // the last message is a barrier: both brokers deliver one publisher's messages in order
  const endTopic = `${prefix}/end`;
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  sub.on('message', (topic, payload, packet) => {
    if (topic === endTopic) return ended();
    messages.push({
      topic: topic.slice(prefix.length),
      payload: payload.toString(),
      qos: packet.qos,
      retain: packet.retain,
      ...(protocolVersion === 5 ? { userProperties: packet.properties?.userProperties, contentType: packet.properties?.contentType } : {}),
    });
  });
  await pub.publishAsync(`${prefix}/r`, 'kept', { qos: 1, retain: true });
  const grants = await sub.subscribeAsync({ [`${prefix}/#`]: { qos: 2 }, [`${prefix}/none/+`]: { qos: 1 } });
  const properties = protocolVersion === 5 ? { userProperties: { a: '1', b: '2' }, contentType: 'text/plain' } : undefined;
  await pub.publishAsync(`${prefix}/a`, 'zero', { qos: 0, ...(properties ? { properties } : {}) });
  await pub.publishAsync(`${prefix}/b`, 'one', { qos: 1 });
  await pub.publishAsync(`${prefix}/c`, 'two', { qos: 2 });
  await pub.publishAsync(endTopic, 'end', { qos: 2 });
  await end;
  await sub.endAsync();
  await pub.publishAsync(`${prefix}/r`, '', { qos: 1, retain: true });
  await pub.endAsync();
  return { granted: grants.map((g) => g.qos), messages };
}

describe('interop: mqtt.js against our broker and mosquitto', () => {
  for (const version of [5, 4, 3] as const) {
    it(`mqtt.js MQTT ${version === 5 ? '5.0' : version === 4 ? '3.1.1' : '3.1'} over TCP: same observations as mosquitto`, async () => {
      const ours = await mqttJsScenario(`mqtt://127.0.0.1:${tcp.port}`, version, `js${version}`);
      const theirs = await mqttJsScenario(`mqtt://127.0.0.1:${mosquitto.port}`, version, `js${version}`);
      expect(ours.messages).toHaveLength(4);
      expect(ours).toEqual(theirs);
    });
  }

  it('mqtt.js MQTT 5.0 with topic aliases both ways (client maps and resolves them)', async () => {
    const url = `mqtt://127.0.0.1:${tcp.port}`;
    const sub = await connect(url, { protocolVersion: 5, clientId: id('tas'), properties: { topicAliasMaximum: 3 } });
    const pub = await connect(url, { protocolVersion: 5, clientId: id('tap'), autoUseTopicAlias: true });
    const got: string[] = [];
    let gotAll: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (gotAll = resolve));
    sub.on('message', (topic, payload) => {
      if (got.push(`${topic}=${payload}`) === 6) gotAll();
    });
    await sub.subscribeAsync('alias/#', { qos: 1 });
    for (let i = 0; i < 3; i++) for (const t of ['alias/a', 'alias/b']) await pub.publishAsync(t, `${i}`, { qos: 1 });
    await all;
    expect(got).toEqual(['alias/a=0', 'alias/b=0', 'alias/a=1', 'alias/b=1', 'alias/a=2', 'alias/b=2']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('mqtt.js MQTT 5.0 over WebSocket: same observations as mosquitto', async () => {
    const ours = await mqttJsScenario(`ws://127.0.0.1:${ws.port}`, 5, 'jsws');
    const theirs = await mqttJsScenario(`ws://127.0.0.1:${mosquitto.wsPort}`, 5, 'jsws');
    expect(ours.messages).toHaveLength(4);
    expect(ours).toEqual(theirs);
  });
});

/** mosquitto_sub waits for 3 messages sent by one mosquitto_pub (-l: one message per stdin line). */
async function cliScenario(port: number, subVersion: string, pubVersion: string, qos: string, topic: string): Promise<string[]> {
  const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', subVersion, '-t', `${topic}/#`, '-q', '2', '-C', '3', '-v', '-W', '10'], { signalSubscribed: true });
  await sub.subscribed;
  const lines = Buffer.from([0, 1, 2].map((i) => `hello ${i} ü`).join('\n') + '\n');
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-V', pubVersion, '-t', `${topic}/m`, '-l', '-q', qos], lines);
  expect(result.code, result.stderr).toBe(0);
  const received = await sub.done;
  expect(received.code, received.stderr).toBe(0);
  return received.stdout.toString('utf8').trim().split('\n');
}

describe('interop: mosquitto_pub / mosquitto_sub against our broker', () => {
  // every version on both sides: (sub 5, pub 3.1.1 QoS 1), (sub 3.1.1, pub 3.1 QoS 2), (sub 3.1, pub 5 QoS 0)
  const pairs: Array<[string, string, string]> = [
    ['mqttv5', 'mqttv311', '1'],
    ['mqttv311', 'mqttv31', '2'],
    ['mqttv31', 'mqttv5', '0'],
  ];
  for (const [subVersion, pubVersion, qos] of pairs) {
    it(`mosquitto_sub -V ${subVersion} gets mosquitto_pub -V ${pubVersion} QoS ${qos} messages as it does from mosquitto`, async () => {
      const topic = `cli/${subVersion}/${pubVersion}`;
      const ours = await cliScenario(tcp.port, subVersion, pubVersion, qos, topic);
      const theirs = await cliScenario(mosquitto.port, subVersion, pubVersion, qos, topic);
      expect(ours).toEqual([0, 1, 2].map((i) => `${topic}/m hello ${i} ü`));
      expect(ours).toEqual(theirs);
    });
  }

  it('mosquitto_pub retained message + mosquitto_sub -R/-C against ours matches mosquitto', async () => {
    const run = async (port: number) => {
      await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv5', '-t', 'cliret/a', '-m', 'stored', '-r', '-q', '1']);
      const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv5', '-t', 'cliret/#', '-C', '1', '-v', '-F', '%t %p %r %q', '-W', '5']);
      const out = (await sub.done).stdout.toString().trim();
      await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv5', '-t', 'cliret/a', '-n', '-r']);
      return out;
    };
    const ours = await run(tcp.port);
    expect(ours).toBe('cliret/a stored 1 0');
    expect(ours).toBe(await run(mosquitto.port));
  });
});

function openWs(port: number, protocols: string[] = ['mqtt']): Promise<{ socket: WebSocket; received: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, protocols);
    const received: Buffer[] = [];
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('message', (data: Buffer) => received.push(Buffer.from(data)));
    socket.once('open', () => resolve({ socket, received, closed }));
    socket.once('error', reject);
  });
}

async function waitFor(probe: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('1. WebSocket ([MQTT-6.0.0-*])', () => {
  it('[MQTT-6.0.0-1] [MQTT-6.0.0-2] [MQTT-6.0.0-3] [MQTT-6.0.0-4] "mqtt" subprotocol selected; text frames close; packets split across or sharing frames parse', async () => {
    const { socket, received } = await openWs(ws.port);
    expect(socket.protocol).toBe('mqtt');
    const connect = connectV5(id('ws'));
    socket.send(connect.subarray(0, 5));
    socket.send(connect.subarray(5));
    await waitFor(() => Buffer.concat(received).length >= 3);
    expect(Buffer.concat(received)[0]).toBe(0x20);
    received.length = 0;
    const subscribe = frame(0x82, [0x00, 0x01, 0x00, ...str('wsf/#'), 0x00]);
    const publish = frame(0x30, [...str('wsf/a'), 0x00, ...Buffer.from('hi')]);
    socket.send(Buffer.concat([subscribe, publish, Buffer.from([0xc0, 0x00])]));
    await waitFor(() => Buffer.concat(received).length >= 6 + 12 + 2);
    const all = Buffer.concat(received);
    expect(all[0]).toBe(0x90);
    expect(all.includes(Buffer.from('wsf/a'))).toBe(true);
    expect(all.subarray(-2)).toEqual(Buffer.from([0xd0, 0x00]));
    const text = await openWs(ws.port);
    text.socket.send(connectV5(id('wst')));
    await waitFor(() => text.received.length > 0);
    text.socket.send('this is text');
    await text.closed;
    socket.close();
  });
});

describe('TLS listener', () => {
  it('mqtt.js over mqtts:// with a generated certificate connects, subscribes and receives', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { listenTls } = await import('../../main/core/broker/listeners/tls');
    const dir = mkdtempSync(join(tmpdir(), 'wb-broker-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'));
      const tls = await listenTls(broker, { key: readFileSync(join(dir, 'key.pem')), cert, port: 0 });
      try {
        const client = await connect(`mqtts://127.0.0.1:${tls.port}`, { protocolVersion: 5, clientId: id('tls'), ca: cert });
        await client.subscribeAsync('tls/a', { qos: 1 });
        const got = new Promise<string>((resolve) => client.once('message', (_t, payload) => resolve(payload.toString())));
        await client.publishAsync('tls/a', 'secure', { qos: 1 });
        expect(await got).toBe('secure');
        await client.endAsync();
      } finally {
        await tls.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
