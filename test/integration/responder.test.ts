import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventPayload, ResponderStatus } from '../../shared/contract';
import { createCoreHarness, waitFor } from '../support/core-harness';
import { useMosquitto } from '../support/fixtures';
import { runMosquittoPub } from '../support/mosquitto';

/**
 * Responders (issue 17) against a real mosquitto through the core's rpc handlers: the request
 * comes from another connection with messages.request (MQTT 5 Response Topic and Correlation
 * Data), the responder's reply is matched by its correlation data, a failing script is reported
 * once and counted, and responders persist in the data folder and start when their connection does.
 */
const broker = useMosquitto();
const dataDir = mkdtempSync(join(tmpdir(), 'responders-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ANSWER = [
  'function respond(message) {',
  '  log("request on", message.topic);',
  '  return { payload: { device: message.topic.split("/")[1], accepted: message.json.cmd, answeredTo: message.properties.correlationData } };',
  '}',
].join('\n');
const FAILING = 'function respond(message) {\n  const setting = message.json.settings;\n  return { payload: setting.level };\n}';

function start() {
  const harness = createCoreHarness({ dataDir });
  const problems: EventPayload<'automation.responderProblem'>[] = [];
  harness.core.events.subscribe((channel, payload) => {
    if (channel === 'automation.responderProblem') problems.push(payload as EventPayload<'automation.responderProblem'>);
  });
  return { harness, problems };
}

const connect = async (harness: ReturnType<typeof createCoreHarness>) => {
  const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 });
  const summary = (await harness.call('connections.list', {})).find((item) => item.connectionId === connectionId)!;
  return { connectionId, connectionKey: summary.connectionKey };
};

/** The fake device is a saved profile (key `profile:<id>`): the app's typed-in connection to the same broker has another key. */
const connectDevice = async (harness: ReturnType<typeof createCoreHarness>) => {
  const existing = (await harness.call('profiles.list', {})).profiles.find((item) => item.name === 'Thermostat');
  const profile = existing ?? (await harness.call('profiles.save', { name: 'Thermostat', options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 } }));
  const { connectionId } = await harness.call('profiles.connect', { id: profile.id });
  return { connectionId, connectionKey: `profile:${profile.id}` };
};

const statusOf = async (harness: ReturnType<typeof createCoreHarness>, id: string): Promise<ResponderStatus> => (await harness.call('automation.listResponders', {})).responders.find((item) => item.responder.id === id)!;

describe('responders against mosquitto', () => {
  it('answers a request with the same correlation data on its response topic [MQTT-4.10], and a failing script is reported once with its count', async () => {
    const { harness, problems } = start();
    try {
      const device = await connectDevice(harness);
      const app = await connect(harness);
      const saved = await harness.call('automation.saveResponder', { name: 'Fake thermostat', connectionKey: device.connectionKey, filter: 'devices/+/cmd', script: ANSWER });
      expect(saved.activeOn).toContain(device.connectionId);
      const correlationData = new Uint8Array([0xde, 0xad, 0x01]);
      const answer = await harness.call('messages.request', { connectionId: app.connectionId, topic: 'devices/7/cmd', payload: new TextEncoder().encode('{"cmd":"heat"}'), qos: 1, responseTopic: 'replies/app', correlationData, timeoutMs: 10_000 });
      expect(answer.status).toBe('response');
      if (answer.status !== 'response') return;
      expect(answer.response.topic).toBe('replies/app');
      expect(answer.response.properties?.correlationData).toEqual(correlationData);
      expect(JSON.parse(new TextDecoder().decode(answer.response.payload))).toEqual({ device: '7', accepted: 'heat', answeredTo: { $bytes: '3q0B' } });
      await waitFor(async () => (await statusOf(harness, saved.responder.id)).counters.replied === 1, 'the reply counted');
      expect((await statusOf(harness, saved.responder.id)).counters).toEqual({ handled: 1, replied: 1, failed: 0, dropped: 0 });

      const failing = await harness.call('automation.saveResponder', { name: 'Broken', connectionKey: device.connectionKey, filter: 'settings/#', script: FAILING });
      for (let i = 0; i < 3; i++) await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-t', 'settings/lamp', '-m', '{}', '-q', '1']);
      await waitFor(async () => (await statusOf(harness, failing.responder.id)).counters.failed === 3, 'three failures counted');
      expect(problems).toEqual([{ responderId: failing.responder.id, name: 'Broken', failures: 1, problem: expect.objectContaining({ kind: 'thrown', line: 3, message: expect.stringMatching(/^TypeError: /) as string }) }]);
      expect((await statusOf(harness, failing.responder.id)).lastProblem).toMatchObject({ kind: 'thrown', line: 3 });

      // A script that does not compile is refused with its line; disabling unsubscribes what the responder subscribed.
      expect(await harness.attempt('automation.saveResponder', { name: 'Bad', connectionKey: device.connectionKey, filter: 'x', script: 'function respond(m) {\n  return +* 1;\n}' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^script line 2:\d+: SyntaxError/) as string } });
      await harness.call('automation.setResponderEnabled', { id: failing.responder.id, enabled: false });
      const subscriptions = (await harness.call('connections.list', {})).find((item) => item.connectionId === device.connectionId)!.subscriptions.map((item) => item.filter);
      expect(subscriptions).toEqual(['devices/+/cmd']);
    } finally {
      await harness.close();
    }
  });

  it('keeps responders in automation.json (0600) and starts them when their connection connects in the next run', async () => {
    expect(statSync(join(dataDir, 'automation.json')).mode & 0o777).toBe(0o600);
    const { harness } = start();
    try {
      const listed = (await harness.call('automation.listResponders', {})).responders;
      expect(listed.map((item) => [item.responder.name, item.responder.enabled, item.activeOn])).toEqual([
        ['Fake thermostat', true, []],
        ['Broken', false, []],
      ]);
      const device = await connectDevice(harness);
      await waitFor(async () => (await statusOf(harness, listed[0]!.responder.id)).activeOn.length === 1, 'the responder started on its connection');
      const app = await connect(harness);
      const correlationData = new Uint8Array([7]);
      await waitFor(() => harness.statuses.some((s) => s.connectionId === device.connectionId && s.subscriptions.some((sub) => sub.filter === 'devices/+/cmd')), 'the responder subscribed');
      const answer = await harness.call('messages.request', { connectionId: app.connectionId, topic: 'devices/9/cmd', payload: new TextEncoder().encode('{"cmd":"off"}'), responseTopic: 'replies/next', correlationData, timeoutMs: 10_000 });
      expect(answer).toMatchObject({ status: 'response', response: { topic: 'replies/next', properties: { correlationData } } });
    } finally {
      await harness.close();
    }
  });

  it('a looping responder is stopped and reported once, and never stalls ingest: every message still arrives', async () => {
    const harness = createCoreHarness();
    const problems: EventPayload<'automation.responderProblem'>[] = [];
    harness.core.events.subscribe((channel, payload) => {
      if (channel === 'automation.responderProblem') problems.push(payload as EventPayload<'automation.responderProblem'>);
    });
    try {
      const device = await connectDevice(harness);
      const saved = await harness.call('automation.saveResponder', { name: 'Spinner', connectionKey: device.connectionKey, filter: 'flood/#', script: 'function respond(message) {\n  for (;;) {}\n}' });
      const lines = Array.from({ length: 300 }, (_, i) => `message ${i}`).join('\n') + '\n';
      const sent = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-t', 'flood/in', '-l'], Buffer.from(lines));
      expect(sent.code, sent.stderr).toBe(0);
      await waitFor(() => harness.received().filter((m) => m.topic === 'flood/in').length === 300, 'all 300 messages in messages.batch', 15_000);
      await waitFor(async () => {
        const { counters } = await statusOf(harness, saved.responder.id);
        return counters.handled + counters.dropped === 300;
      }, 'every message handled or dropped', 15_000);
      const { counters, lastProblem } = await statusOf(harness, saved.responder.id);
      expect(counters.failed).toBe(counters.handled);
      expect(counters.replied).toBe(0);
      expect(lastProblem?.kind).toBe('stopped');
      expect(problems).toEqual([expect.objectContaining({ name: 'Spinner', failures: 1, problem: expect.objectContaining({ kind: 'timeout' }) })]);
    } finally {
      await harness.close();
    }
  });
});
