import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MqttMessage, Responder } from '../../shared/contract';
import { type ReplyPublish, buildReplies } from '../../main/core/automation/responders/responder-replies';
import { type ResponderProblemReport, type ResponderRunnerOptions, createResponderRunner } from '../../main/core/automation/responders/responder-runner';
import { runScriptOnce } from '../../main/core/automation/script-runner';
import { loadQuickJs } from '../../main/core/scripts/quickjs-loader';

/**
 * Responders (issue 17) on the real QuickJS sandbox: replies and their defaults, and what a
 * misbehaving script costs. The queue is run by the test (drain) with a budget clock it moves,
 * so "bounded" is checked exactly, not by timing.
 */
let quickjs: QuickJSWASMModule;
beforeAll(async () => {
  quickjs = await loadQuickJs();
});

const KEY = 'profile:bench';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function request(topic: string, payload: string, properties?: MqttMessage['properties']): MqttMessage {
  return { connectionId: 'c1', direction: 'in', topic, payload: encoder.encode(payload), qos: 1, retain: false, dup: false, timestamp: 0, ...(properties ? { properties } : {}) };
}

function responder(script: string, extra: Partial<Responder> = {}): Responder {
  return { id: 'r1', name: 'Fake device', connectionKey: KEY, filter: 'devices/+/cmd', enabled: true, script, ...extra };
}

function setup(options: Partial<ResponderRunnerOptions> = {}) {
  const published: ReplyPublish[] = [];
  const problems: ResponderProblemReport[] = [];
  let clock = 0;
  const runner = createResponderRunner({
    quickjs: () => quickjs,
    publish: async (input) => {
      published.push(input);
    },
    onProblem: (report) => problems.push(report),
    elapsed: () => clock,
    schedule: () => ({ cancel: () => undefined }),
    ...options,
  });
  return { runner, published, problems, advance: (ms: number) => (clock += ms) };
}

/** Publishing resolves in a microtask; the counters move after it. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('responders: replies', () => {
  it('answers on the request\'s response topic with its correlation data copied [MQTT-4.10]', async () => {
    const { runner, published } = setup();
    runner.set([responder('function respond(message) {\n  return { payload: { ack: message.json.cmd, device: message.topic.split("/")[1] } };\n}')]);
    const correlationData = new Uint8Array([1, 2, 3]);
    runner.offer(request('devices/7/cmd', '{"cmd":"reboot"}', { responseTopic: 'replies/app', correlationData }), KEY);
    runner.drain();
    await settled();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ connectionId: 'c1', topic: 'replies/app', qos: 1, retain: false, properties: { correlationData } });
    expect(JSON.parse(decoder.decode(published[0]!.payload))).toEqual({ ack: 'reboot', device: '7' });
    expect(runner.state('r1')!.counters).toEqual({ handled: 1, replied: 1, failed: 0, dropped: 0 });
  });

  it('sends several replies with templates, bytes, or none; ignores other connections, topics and its own publishes', async () => {
    const { runner, published } = setup();
    runner.set([
      responder(
        [
          'function respond(m) {',
          '  if (m.text === "quiet") return;',
          '  return [',
          '    { topic: "devices/{{topic}}/ack", payload: "got " + m.text, qos: 0, retain: true },',
          '    { topic: "raw/out", payload: new Uint8Array([0, 255]), properties: { contentType: "application/octet-stream", userProperties: { a: "1" } } },',
          '  ];',
          '}',
        ].join('\n'),
      ),
    ]);
    runner.offer(request('devices/7/cmd', 'quiet'), KEY);
    runner.offer(request('devices/7/cmd', 'on'), 'profile:other');
    runner.offer(request('elsewhere', 'on'), KEY);
    runner.offer({ ...request('devices/7/cmd', 'on'), direction: 'out' }, KEY);
    runner.offer(request('devices/8/cmd', 'on'), KEY);
    runner.drain();
    await settled();
    expect(published.map((p) => [p.topic, p.qos, p.retain])).toEqual([
      ['devices/devices/8/cmd/ack', 0, true],
      ['raw/out', 1, false],
    ]);
    expect(decoder.decode(published[0]!.payload)).toBe('got on');
    expect([...published[1]!.payload]).toEqual([0, 255]);
    expect(published[1]!.properties).toEqual({ contentType: 'application/octet-stream', userProperties: [{ key: 'a', value: '1' }] });
    expect(runner.state('r1')!.counters).toEqual({ handled: 2, replied: 2, failed: 0, dropped: 0 });
  });

  it('does not answer its own reply when its filter covers the reply topic (no ping-pong)', async () => {
    const { runner, published } = setup();
    runner.set([responder('function respond(m) { return { topic: "loop/" + m.text, payload: "x" }; }', { filter: 'loop/#' })]);
    runner.offer(request('loop/a', 'a'), KEY);
    runner.drain();
    await settled();
    expect(published.map((p) => p.topic)).toEqual(['loop/a']);
    // The broker delivers the reply back: it is not a request.
    runner.offer(request('loop/a', 'x'), KEY);
    runner.drain();
    await settled();
    expect(published).toHaveLength(1);
  });

  it('refuses a reply without a topic when the request has no response topic, naming why', () => {
    expect(() => buildReplies('[{"payload":{"text":"x"}}]', { connectionId: 'c1', request: { topic: 't', qos: 0 } })).toThrow(/no topic.*Response Topic/);
    expect(buildReplies('[{"payload":{"text":"x"}}]', { connectionId: 'c1', request: { topic: 'a/b', qos: 0 }, replyTopic: '{{topic}}/reply' })[0]!.topic).toBe('a/b/reply');
    expect(() => buildReplies('[{"topic":"a/#","payload":{"text":"x"}}]', { connectionId: 'c1', request: { topic: 't', qos: 0 } })).toThrow(/topic/);
  });
});

describe('responders: misbehaving scripts', () => {
  it('a throwing script fails each call, is reported once with its error and line, and counted', () => {
    const { runner, problems, published } = setup();
    runner.set([responder('function respond(m) {\n  const reading = m.json.reading;\n  return { payload: reading.value };\n}')]);
    for (let i = 0; i < 5; i++) runner.offer(request('devices/1/cmd', '{}'), KEY);
    runner.drain();
    expect(problems).toEqual([{ responderId: 'r1', name: 'Fake device', failures: 1, problem: expect.objectContaining({ kind: 'thrown', line: 3, message: expect.stringMatching(/TypeError/) as string }) }]);
    expect(runner.state('r1')!.counters).toEqual({ handled: 5, replied: 0, failed: 5, dropped: 0 });
    expect(published).toEqual([]);
    // Reset: counted and reported afresh.
    runner.reset('r1');
    runner.offer(request('devices/1/cmd', '{}'), KEY);
    runner.drain();
    expect(problems).toHaveLength(2);
  });

  it('a looping script is cut off by the time limit and stopped after a few, without holding the queue beyond its budget', () => {
    const { runner, problems } = setup({ budgetMs: 10_000, limits: { timeLimitMs: 20 } });
    runner.set([responder('function respond(m) { while (true) {} }')]);
    for (let i = 0; i < 6; i++) runner.offer(request('devices/1/cmd', 'x'), KEY);
    const started = performance.now();
    runner.drain();
    const took = performance.now() - started;
    // Three calls hit the limit (20 ms each), then the script is stopped: the others fail at once.
    expect(took).toBeLessThan(2000);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.problem.kind).toBe('timeout');
    expect(runner.state('r1')!.lastProblem!.kind).toBe('stopped');
    expect(runner.state('r1')!.counters).toMatchObject({ handled: 6, failed: 6 });
  });

  it('a script that allocates without end is stopped by the memory limit', () => {
    // A time limit far away: the memory limit, not the clock, must be what stops it.
    const { runner, problems } = setup({ budgetMs: 10_000, limits: { memoryBytes: 8 * 1024 * 1024, timeLimitMs: 60_000 } });
    runner.set([responder('const kept = [];\nfunction respond(m) {\n  for (;;) kept.push(m.text.repeat(1 << 20) + kept.length);\n}')]);
    runner.offer(request('devices/1/cmd', 'x'), KEY);
    runner.drain();
    expect(problems[0]!.problem.kind).toBe('memory');
    expect(runner.state('r1')!.counters.failed).toBe(1);
  });

  it('a script that does not compile fails every message with its syntax error, reported once', () => {
    const { runner, problems } = setup();
    runner.set([responder('function respond(m) {\n  return +* 1;\n}')]);
    runner.offer(request('devices/1/cmd', 'x'), KEY);
    runner.offer(request('devices/1/cmd', 'x'), KEY);
    runner.drain();
    expect(problems).toEqual([expect.objectContaining({ failures: 1, problem: expect.objectContaining({ kind: 'syntax', line: 2 }) })]);
    expect(runner.state('r1')!.counters.failed).toBe(2);
  });
});

describe('responders: bounded work', () => {
  it('queues at most the limit and counts the rest as dropped', () => {
    const { runner } = setup({ queueLimit: 3 });
    runner.set([responder('function respond() {}')]);
    for (let i = 0; i < 10; i++) runner.offer(request('devices/1/cmd', 'x'), KEY);
    expect(runner.queued()).toBe(3);
    expect(runner.state('r1')!.counters.dropped).toBe(7);
    runner.drain();
    expect(runner.state('r1')!.counters).toMatchObject({ handled: 3, dropped: 7 });
  });

  it('runs no more than the time budget per window; the rest waits for the next window', () => {
    const armed: number[] = [];
    let clock = 0;
    // Every reading of the budget clock moves it 2 ms: each call is measured as costing 2 ms.
    const { runner } = setup({ budgetMs: 10, windowMs: 50, elapsed: () => (clock += 2), schedule: (_run, ms) => (armed.push(ms), { cancel: () => undefined }) });
    runner.set([responder('function respond() {}')]);
    for (let i = 0; i < 12; i++) runner.offer(request('devices/1/cmd', 'x'), KEY);
    // offer() only queues and asks for a run soon: ingest never runs a script.
    expect(runner.state('r1')!.counters.handled).toBe(0);
    expect(armed).toEqual([0]);
    runner.drain();
    expect(runner.state('r1')!.counters.handled).toBe(5);
    expect(runner.queued()).toBe(7);
    // Re-armed for the rest of this window, not at once.
    expect(armed).toHaveLength(2);
    expect(armed[1]).toBeGreaterThan(0);
    clock += 50;
    runner.drain();
    expect(runner.state('r1')!.counters.handled).toBe(10);
    clock += 50;
    runner.drain();
    expect(runner.state('r1')!.counters.handled).toBe(12);
    expect(runner.queued()).toBe(0);
  });
});

describe('script test pane', () => {
  it('runs decode on hex, encode on JSON and respond on a sample, with logs', () => {
    const decode = runScriptOnce(quickjs, { source: 'function decode(p, m) { log("bytes", p.length); return { first: p[0], topic: m.topic }; }', function: 'decode', input: { kind: 'hex', text: '2a 00' }, message: { topic: 'a/b' } });
    expect(decode).toMatchObject({ ok: true, output: { kind: 'json', value: { first: 42, topic: 'a/b' } }, logs: ['bytes 2'] });
    const encode = runScriptOnce(quickjs, { source: 'function encode(v) { return new Uint8Array([v.n, 104, 105]); }', function: 'encode', input: { kind: 'json', text: '{"n": 1}' } });
    expect(encode).toMatchObject({ ok: true, output: { kind: 'bytes', hex: '01 68 69' } });
    const respond = runScriptOnce(quickjs, {
      source: 'function respond(m) { return { payload: { echo: m.json } }; }',
      function: 'respond',
      input: { kind: 'json', text: '{"on": true}' },
      message: { topic: 'cmd', properties: { responseTopic: 'replies/x', correlationData: new Uint8Array([9]) } },
    });
    expect(respond).toMatchObject({ ok: true, output: { kind: 'replies', replies: [{ topic: 'replies/x', payloadText: '{"echo":{"on":true}}', qos: 0, retain: false, properties: { correlationData: { $bytes: 'CQ==' } } }] } });
  });

  it('shows a thrown error with its line, and a syntax error with its line and column', () => {
    const thrown = runScriptOnce(quickjs, { source: 'function decode(p) {\n  log("start");\n  throw new Error("bad frame");\n}', function: 'decode', input: { kind: 'text', text: 'x' } });
    expect(thrown).toMatchObject({ ok: false, failure: { kind: 'thrown', message: 'Error: bad frame', line: 3 }, logs: ['start'] });
    const syntax = runScriptOnce(quickjs, { source: 'function decode(p) {\n  return p +* 1;\n}', function: 'decode', input: { kind: 'text', text: 'x' } });
    expect(syntax).toMatchObject({ ok: false, failure: { kind: 'syntax', line: 2, column: 13 } });
    expect(runScriptOnce(quickjs, { source: 'function decode(p) { return 1; }', function: 'decode', input: { kind: 'hex', text: 'zz' } })).toMatchObject({ ok: false, failure: { kind: 'input' } });
  });
});
