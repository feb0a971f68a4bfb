import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadQuickJs } from '../../main/core/scripts/quickjs-loader';
import { type CompileScriptOptions, ScriptError, type ScriptMessage, compileUserScript } from '../../main/core/scripts/script-sandbox';

/**
 * The script sandbox (issue 17): real QuickJS in WebAssembly, no stand-in. Limits are checked
 * with the script actually breaking them; the time limit with a clock the test moves (every
 * interrupt poll advances it), plus one run on the real clock to show the host is not stalled.
 */
let quickjs: QuickJSWASMModule;
beforeAll(async () => {
  quickjs = await loadQuickJs();
});

const message: ScriptMessage = { topic: 'devices/7/raw', qos: 1, retain: false, properties: { contentType: 'application/octet-stream' } };
const compile = (source: string, options: Partial<CompileScriptOptions> = {}) => compileUserScript(source, { quickjs, ...options });
const compileError = (source: string): ScriptError => {
  try {
    compile(source);
  } catch (error) {
    if (error instanceof ScriptError) return error;
    throw error;
  }
  throw new Error('the script compiled');
};
const PACKED = 'function decode(payload, message) {\n  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);\n  return { device: message.topic.split("/")[1], temperature: view.getInt16(0) / 10, humidity: view.getUint8(2), battery: view.getUint16(3, true) };\n}\n';
const packed = () => {
  const bytes = new Uint8Array(5);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, 215);
  view.setUint8(2, 40);
  view.setUint16(3, 3300, true);
  return bytes;
};

describe('script sandbox: answers', () => {
  it('decodes bytes into JSON, given the message, and keeps its context between calls', () => {
    const script = compile(PACKED);
    expect([...script.functions]).toEqual(['decode']);
    for (let i = 0; i < 3; i++) {
      expect(script.call('decode', { bytes: packed() }, message)).toEqual({ ok: true, output: { kind: 'json', value: { device: '7', temperature: 21.5, humidity: 40, battery: 3300 } }, logs: [] });
    }
    const counter = compile('let calls = 0;\nconst decode = () => ++calls;');
    counter.call('decode', { bytes: new Uint8Array() }, message);
    expect(counter.call('decode', { bytes: new Uint8Array() }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 2 } });
    script.dispose();
    counter.dispose();
  });

  it('returns text, bytes, and 64-bit integers as digits; an encode gets the parsed value', () => {
    const script = compile(
      [
        'function decode(payload) {',
        '  if (payload[0] === 1) return utf8Decode(payload.subarray(1));',
        '  if (payload[0] === 2) return { big: 2n ** 63n, hex: bytesToHex(payload) };',
        '  return payload.subarray(1);',
        '}',
        'function encode(value, message) { return value.text ? utf8Encode(value.text + " " + message.topic) : [value.a, value.b, 255]; }',
      ].join('\n'),
    );
    expect(script.call('decode', { bytes: Uint8Array.of(1, 0xc3, 0xa9, 0xe2, 0x82, 0xac) }, message)).toMatchObject({ ok: true, output: { kind: 'text', text: 'é€' } });
    expect(script.call('decode', { bytes: Uint8Array.of(2, 0xab) }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: { big: '9223372036854775808', hex: '02ab' } } });
    expect(script.call('decode', { bytes: Uint8Array.of(3, 9, 8) }, message)).toMatchObject({ ok: true, output: { kind: 'bytes', bytes: Uint8Array.of(9, 8) } });
    expect(script.call('encode', { value: { text: 'hé' } }, message)).toMatchObject({ ok: true, output: { kind: 'bytes', bytes: new TextEncoder().encode('hé devices/7/raw') } });
    expect(script.call('encode', { value: { a: 1, b: 2 } }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: [1, 2, 255] } });
    script.dispose();
  });

  it('collects log(...) and console.log lines per call, bounded', () => {
    const script = compile('function decode(p) { log("bytes", p.length, { a: 1 }); console.warn(p); if (p.length > 2) for (let i = 0; i < 500; i++) log(i); return null; }', { limits: { maxLogLines: 10 } });
    expect(script.call('decode', { bytes: Uint8Array.of(1, 2) }, message)).toEqual({ ok: true, output: { kind: 'json', value: null }, logs: ['bytes 2 {"a":1}', 'Uint8Array[0102]'] });
    const many = script.call('decode', { bytes: Uint8Array.of(1, 2, 3) }, message);
    expect(many.logs).toHaveLength(11);
    expect(many.logs[10]).toMatch(/dropped/);
    expect(script.call('decode', { bytes: Uint8Array.of() }, message).logs).toHaveLength(2);
    script.dispose();
  });
});

describe('script sandbox: errors with the line and column in the script', () => {
  it('reports a syntax error where it is', () => {
    const error = compileError('function decode(p) {\n  return p +* 2;\n}');
    expect(error.failure).toEqual({ kind: 'syntax', message: expect.stringMatching(/^SyntaxError: /) as string, line: 2, column: 13 });
  });

  it('reports a throw with its line and column, and the script still answers after it', () => {
    const script = compile('function decode(p) {\n  if (p.length === 0) throw new RangeError("empty payload");\n  const x = null;\n  return p.length > 1 ? x.field : p[0];\n}');
    expect(script.call('decode', { bytes: new Uint8Array() }, message)).toEqual({ ok: false, failure: { kind: 'thrown', message: 'RangeError: empty payload', line: 2, column: 43 }, logs: [] });
    expect(script.call('decode', { bytes: Uint8Array.of(1, 2) }, message)).toMatchObject({ ok: false, failure: { kind: 'thrown', message: expect.stringMatching(/^TypeError: cannot read property 'field' of null/) as string, line: 4 } });
    expect(script.call('decode', { bytes: Uint8Array.of(7) }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 7 } });
    const plain = compile('function decode() { throw { code: 42 }; }');
    expect(plain.call('decode', { bytes: new Uint8Array() }, message)).toMatchObject({ ok: false, failure: { kind: 'thrown', message: 'Uncaught {"code":42}' } });
    script.dispose();
    plain.dispose();
  });

  it('refuses a return value that is not data', () => {
    const script = compile('function decode(p) {\n  const o = {};\n  o.o = o;\n  return [undefined, () => 1, Promise.resolve(1), Symbol("s"), { self: null }, o][p[0]];\n}');
    const failure = (kind: number) => script.call('decode', { bytes: Uint8Array.of(kind) }, message);
    expect(failure(0)).toMatchObject({ ok: false, failure: { kind: 'output', message: 'TypeError: decode() returned nothing: return a value' } });
    expect(failure(1)).toMatchObject({ ok: false, failure: { kind: 'output', message: 'TypeError: decode() returned a function, which is not data' } });
    expect(failure(2)).toMatchObject({ ok: false, failure: { kind: 'output', message: 'TypeError: decode() returned a Promise: scripts run synchronously' } });
    expect(failure(3)).toMatchObject({ ok: false, failure: { kind: 'output' } });
    expect(failure(5)).toMatchObject({ ok: false, failure: { kind: 'output', message: expect.stringMatching(/not JSON/) as string } });
    expect(failure(4)).toMatchObject({ ok: true, output: { kind: 'json', value: { self: null } } });
    script.dispose();
  });

  it('says which function is missing', () => {
    const script = compile('function decode(p) { return 1; }');
    expect(script.call('encode', { value: {} }, message)).toMatchObject({ ok: false, failure: { kind: 'missing', message: 'The script defines no function encode()' } });
    script.dispose();
  });
});

describe('script sandbox: limits', () => {
  it('stops an endless loop at the time limit, on a clock the test moves', () => {
    let clock = 0;
    const script = compile('function decode(p) {\n  if (p[0] === 1) return "fine";\n  for (;;) {}\n}', { now: () => (clock += 1), limits: { timeLimitMs: 20 } });
    expect(script.call('decode', { bytes: Uint8Array.of(0) }, message)).toMatchObject({ ok: false, failure: { kind: 'timeout', message: 'The script ran longer than 20 ms in decode() and was stopped' } });
    // The next call runs in a fresh context.
    expect(script.call('decode', { bytes: Uint8Array.of(1) }, message)).toMatchObject({ ok: true, output: { kind: 'text', text: 'fine' } });
    script.dispose();
  });

  it('stops an endless loop on the real clock without stalling the host for long', () => {
    const script = compile('function decode() { while (true) {} }', { limits: { timeLimitMs: 50 } });
    const start = performance.now();
    expect(script.call('decode', { bytes: new Uint8Array() }, message)).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(49);
    expect(took).toBeLessThan(1000);
    script.dispose();
  });

  it('stops a loop in the top-level code too', () => {
    let clock = 0;
    expect(() => compile('for (;;) {}', { now: () => (clock += 1) })).toThrow(/ran longer than 50 ms compiling/);
  });

  it('stops allocation without end at the memory limit', () => {
    // A time limit far away: the memory limit, not the clock, must be what stops each of these.
    const script = compile('function decode(p) {\n  if (p[0] === 3) return "fine";\n  const hoard = [];\n  for (;;) hoard.push(p[0] === 1 ? "x".repeat(1 << 20) + hoard.length : p[0] === 2 ? { n: hoard.length, list: [1, 2, 3] } : new Uint8Array(1 << 20));\n}', { limits: { memoryBytes: 8 * 1024 * 1024, timeLimitMs: 60_000, maxConsecutiveFailures: 10 } });
    for (const kind of [0, 1, 2]) {
      expect(script.call('decode', { bytes: Uint8Array.of(kind) }, message)).toMatchObject({ ok: false, failure: { kind: 'memory', message: 'The script used more than 8 MB in decode() and was stopped' } });
    }
    // And the script answers again afterwards, in a fresh context.
    expect(script.call('decode', { bytes: Uint8Array.of(3) }, message)).toMatchObject({ ok: true, output: { kind: 'text', text: 'fine' } });
    script.dispose();
  });

  it('counts typed arrays and buffers against the memory limit too, however they are made', () => {
    // QuickJS's own limit does not see the bytes behind buffers: each of these would grow the host's WebAssembly memory by a gigabyte.
    const script = compile(
      [
        'function decode(p) {',
        '  const big = 1 << 30;',
        '  switch (p[0]) {',
        '    case 0: { const hoard = []; for (;;) { hoard.push(new Uint8Array(1 << 20)); log(hoard.length); } }',
        '    case 1: return new (new Uint8Array(1).constructor)(big);',
        '    case 2: return new (new Float64Array(1).buffer.constructor)(big);',
        '    case 3: return new ArrayBuffer(1, { maxByteLength: big });',
        '    case 4: return Uint8Array.from({ length: big });',
        '    case 5: { const one = new Uint8Array(1 << 20); const copies = []; for (;;) copies.push(one.slice(), one.buffer.slice(0)); }',
        '    case 6: { let n = 0; return new Uint8Array({ get length() { return n++ === 0 ? 1 : big; } }).length; }',
        '    case 7: return new Int32Array(big / 4).length;',
        '    case 8: { class Mine extends Uint8Array {} return new Mine(big).length; }',
        '    case 9: { const one = new Uint8Array(1 << 20); const copies = []; for (;;) copies.push(one.toReversed(), one.with(0, 1)); }',
        '  }',
        '}',
      ].join('\n'),
      { limits: { memoryBytes: 8 * 1024 * 1024, maxConsecutiveFailures: 100 } },
    );
    const first = script.call('decode', { bytes: Uint8Array.of(0) }, message);
    expect(first).toMatchObject({ ok: false, failure: { kind: 'memory' } });
    expect(first.logs.length).toBeLessThanOrEqual(8);
    for (const kind of [1, 2, 3, 4, 5, 7, 8, 9]) {
      expect({ kind, result: script.call('decode', { bytes: Uint8Array.of(kind) }, message) }).toMatchObject({ kind, result: { ok: false, failure: { kind: 'memory' } } });
    }
    // A length read twice would differ: it is read once.
    expect(script.call('decode', { bytes: Uint8Array.of(6) }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 1 } });
    script.dispose();
  });

  it('starts a fresh context when a script keeps buffers from call to call, without failing a call', () => {
    const script = compile('const kept = [];\nfunction decode() { kept.push(new Uint8Array(1 << 20)); return kept.length; }', { limits: { memoryBytes: 4 * 1024 * 1024 } });
    const counts = Array.from({ length: 12 }, () => script.call('decode', { bytes: new Uint8Array() }, message));
    expect(counts.every((result) => result.ok)).toBe(true);
    // More than twice the limit kept (9 x 1 MB), then a fresh context answers the 10th call.
    expect(counts.map((result) => (result.ok && result.output.kind === 'json' ? result.output.value : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3]);
    script.dispose();
  });

  it('refuses a payload too large for the memory limit without running the script or stopping it', () => {
    const script = compile('function decode(p) { return p.length; }', { limits: { memoryBytes: 4 * 1024 * 1024, maxConsecutiveFailures: 1 } });
    expect(script.call('decode', { bytes: new Uint8Array(2 * 1024 * 1024) }, message)).toMatchObject({ ok: false, failure: { kind: 'input', message: expect.stringMatching(/too large for the script's memory limit of 4 MB/) as string } });
    expect(script.stopped).toBeUndefined();
    expect(script.call('decode', { bytes: new Uint8Array(1000) }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 1000 } });
    script.dispose();
  });

  it('stops deep recursion at the stack limit', () => {
    const script = compile('function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }\nfunction decode(p) { return depth(p[0] === 1 ? 100 : 1e7); }');
    expect(script.call('decode', { bytes: Uint8Array.of(0) }, message)).toMatchObject({ ok: false, failure: { kind: 'stack', message: 'The script recursed too deeply in decode() (stack overflow)', line: 1 } });
    expect(script.call('decode', { bytes: Uint8Array.of(1) }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 100 } });
    script.dispose();
  });

  it('stops a script after limit breaks in a row, and answers with that from then on', () => {
    let clock = 0;
    const script = compile('function decode(p) { if (p[0] === 1) return 1; for (;;) {} }', { now: () => (clock += 1), limits: { maxConsecutiveFailures: 3 } });
    const call = (first: number) => script.call('decode', { bytes: Uint8Array.of(first) }, message);
    call(0);
    call(0);
    // A success in between starts the count again.
    expect(call(1)).toMatchObject({ ok: true });
    call(0);
    call(0);
    expect(script.stopped).toBeUndefined();
    expect(call(0)).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(script.stopped).toMatchObject({ kind: 'stopped', message: expect.stringMatching(/^Stopped after 3 failures in a row: The script ran longer than 50 ms/) as string });
    const polls = clock;
    expect(call(1)).toEqual({ ok: false, failure: script.stopped, logs: [] });
    // A stopped script does not run at all.
    expect(clock).toBe(polls);
    script.dispose();
  });
});

describe('script sandbox: nothing of the host', () => {
  it('has no require, process, fetch, timers, modules or Node globals', () => {
    const script = compile(
      'function decode() { return { require: typeof require, process: typeof process, fetch: typeof fetch, setTimeout: typeof setTimeout, setInterval: typeof setInterval, XMLHttpRequest: typeof XMLHttpRequest, WebSocket: typeof WebSocket, Buffer: typeof Buffer, std: typeof std, os: typeof os, module: typeof module, global: typeof global }; }',
    );
    const result = script.call('decode', { bytes: new Uint8Array() }, message);
    expect(result).toMatchObject({ ok: true, output: { kind: 'json' } });
    const seen = (result as { output: { value: Record<string, string> } }).output.value;
    expect(Object.values(seen)).toEqual(Object.keys(seen).map(() => 'undefined'));
    script.dispose();
  });

  it('cannot reach the host through the constructor chain or import()', () => {
    const script = compile('function decode() { const F = (() => {}).constructor; return F("return typeof process")(); }\nfunction encode() { return import("fs").then(() => "loaded"); }');
    expect(script.call('decode', { bytes: new Uint8Array() }, message)).toMatchObject({ ok: true, output: { kind: 'text', text: 'undefined' } });
    expect(script.call('encode', { value: null }, message)).toMatchObject({ ok: false, failure: { kind: 'output' } });
    script.dispose();
  });

  it('gets a copy of the payload: changing it leaves the host bytes alone', () => {
    const script = compile('function decode(p) { p[0] = 99; return p[0]; }');
    const bytes = Uint8Array.of(1, 2);
    expect(script.call('decode', { bytes }, message)).toMatchObject({ ok: true, output: { kind: 'json', value: 99 } });
    expect([...bytes]).toEqual([1, 2]);
    script.dispose();
  });
});

describe('script sandbox: cost', () => {
  it('calls a small decode script in microseconds (compiled once, context reused)', () => {
    const script = compile(PACKED);
    const bytes = packed();
    for (let i = 0; i < 200; i++) script.call('decode', { bytes }, message);
    const calls = 2000;
    const start = performance.now();
    for (let i = 0; i < calls; i++) script.call('decode', { bytes }, message);
    const micros = ((performance.now() - start) * 1000) / calls;
    console.log(`script sandbox: ${micros.toFixed(1)} µs per decode call`);
    // A generous bound on a shared machine: the point is "microseconds, not milliseconds".
    expect(micros).toBeLessThan(1000);
    script.dispose();
  });
});
