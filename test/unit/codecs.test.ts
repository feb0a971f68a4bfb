import { describe, expect, it } from 'vitest';
import { Base64Error, decodeBase64, encodeBase64 } from '../../shared/codecs/base64';
import { HexError, decodeHex, encodeHex } from '../../shared/codecs/hex';
import { jsonProblem } from '../../shared/codecs/json';
import { PAYLOAD_FORMATS, decodePayload, encodePayload } from '../../shared/codecs/payload-format';
import { decodeUtf8Strict, encodeUtf8 } from '../../shared/codecs/utf8';
import { decodeFrame, encodeFrame } from '../../shared/wire';

describe('base64 codec', () => {
  it('round-trips every length and byte value the same as Node', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(encoded)).toEqual(bytes);
    }
  });

  it.each([
    ['an invalid character', 'QUJ$RA==', 3],
    ['data after padding', 'QQ==QQ==', 4],
    ['too much padding', 'QQ===', 4],
  ])('rejects %s with its position', (_name, text, position) => {
    expect(() => decodeBase64(text)).toThrow(Base64Error);
    try {
      decodeBase64(text);
    } catch (error) {
      expect((error as Base64Error).position).toBe(position);
    }
  });

  it('rejects a truncated single trailing character', () => {
    expect(() => decodeBase64('QUJDR')).toThrow(/Truncated/);
  });
});

describe('wire frames keep bytes exact', () => {
  it('carries Uint8Array and Node Buffer payloads as bytes, not strings', () => {
    const binary = Uint8Array.from([0, 255, 1, 128, 0xc3, 0x28]);
    const frame = encodeFrame({ type: 'event', channel: 'messages.batch', payload: { a: binary, b: Buffer.from([9, 8]) } });
    const decoded = decodeFrame(frame) as { payload: { a: Uint8Array; b: Uint8Array } };
    expect(decoded.payload.a).toBeInstanceOf(Uint8Array);
    expect([...decoded.payload.a]).toEqual([...binary]);
    expect([...decoded.payload.b]).toEqual([9, 8]);
  });

  it('revives only exact envelopes, and a "__proto__" key stays a plain property', () => {
    const decoded = decodeFrame('{"a":{"$bytes":"AQI=","extra":1},"__proto__":{"$bytes":"AQI="},"list":[{"$bytes":""}]}') as Record<string, unknown>;
    expect(decoded.a).toEqual({ $bytes: 'AQI=', extra: 1 });
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect([...(Object.getOwnPropertyDescriptor(decoded, '__proto__')!.value as Uint8Array)]).toEqual([1, 2]);
    expect((decoded.list as Uint8Array[])[0]).toBeInstanceOf(Uint8Array);
  });

  it('leaves out undefined fields and keeps dates as JSON does', () => {
    const frame = encodeFrame({ type: 'event', channel: 'x', payload: { gone: undefined, when: new Date(0), n: 1 } });
    expect(JSON.parse(frame)).toEqual({ type: 'event', channel: 'x', payload: { when: '1970-01-01T00:00:00.000Z', n: 1 } });
  });

  it('throws on invalid JSON so the host can answer BAD_FRAME', () => {
    expect(() => decodeFrame('{not json')).toThrow();
  });
});

describe('utf8 and json helpers', () => {
  it('tells valid UTF-8 from invalid bytes', () => {
    expect(decodeUtf8Strict(encodeUtf8('grüße 🌡'))).toBe('grüße 🌡');
    expect(decodeUtf8Strict(Uint8Array.from([0xc3, 0x28]))).toBeNull();
  });

  it('locates a JSON error by line and column', () => {
    expect(jsonProblem('{"a": 1}')).toBeNull();
    const problem = jsonProblem('{\n  "a": 1,\n  "b": }');
    expect(problem).not.toBeNull();
    expect(problem!.line).toBe(3);
  });
});

describe('hex codec', () => {
  it('round-trips bytes and accepts dump-style separators and a 0x prefix', () => {
    const bytes = Uint8Array.from([0, 1, 0xab, 0xff]);
    expect(encodeHex(bytes)).toBe('0001abff');
    expect([...decodeHex('0001abff')]).toEqual([...bytes]);
    expect([...decodeHex('00 01 AB ff')]).toEqual([...bytes]);
    expect([...decodeHex('00:01:ab:ff')]).toEqual([...bytes]);
    expect([...decodeHex('0x0001abff')]).toEqual([...bytes]);
  });

  it.each([
    ['a non-hex character', '00 0g', 4],
    ['an odd digit count', 'abc', 2],
    ['a split byte', 'a bc', 0],
  ])('rejects %s with its position', (_name, text, position) => {
    expect(() => decodeHex(text)).toThrow(HexError);
    try {
      decodeHex(text);
    } catch (error) {
      expect((error as HexError).position).toBe(position);
    }
  });
});

describe('payload formats: the text a user typed becomes bytes, or a problem with a position', () => {
  it('encodes each format to the intended bytes', () => {
    expect(encodePayload('héllo', 'text')).toEqual({ ok: true, bytes: new TextEncoder().encode('héllo') });
    expect(encodePayload('{"a":1}', 'json')).toMatchObject({ ok: true });
    expect(encodePayload('de ad', 'hex')).toEqual({ ok: true, bytes: Uint8Array.from([0xde, 0xad]) });
    expect(encodePayload('3q0=', 'base64')).toEqual({ ok: true, bytes: Uint8Array.from([0xde, 0xad]) });
  });

  it('encodes an empty (or, but for text, blank) editor as an empty payload in every format', () => {
    for (const format of PAYLOAD_FORMATS) {
      expect(encodePayload('', format), format).toEqual({ ok: true, bytes: new Uint8Array(0) });
      if (format !== 'text') expect(encodePayload(' \n\t', format), format).toEqual({ ok: true, bytes: new Uint8Array(0) });
    }
    // In text mode spaces are what the user means to send.
    expect(encodePayload(' ', 'text')).toEqual({ ok: true, bytes: Uint8Array.from([0x20]) });
  });

  it('reports broken JSON, hex and Base64 with line and column', () => {
    expect(encodePayload('{"a":}', 'json')).toMatchObject({ ok: false, problem: { format: 'json', line: 1 } });
    expect(encodePayload('00\n0z', 'hex')).toMatchObject({ ok: false, problem: { position: 4, line: 2, column: 2 } });
    expect(encodePayload('QU*D', 'base64')).toMatchObject({ ok: false, problem: { position: 2, line: 1, column: 3 } });
  });

  it('views bytes as hex and Base64 always, and as text only when they are UTF-8', () => {
    const binary = Uint8Array.from([0xc3, 0x28]);
    expect(decodePayload(binary, 'hex')).toEqual({ ok: true, text: 'c3 28' });
    expect(decodePayload(binary, 'base64')).toEqual({ ok: true, text: 'wyg=' });
    expect(decodePayload(binary, 'text')).toMatchObject({ ok: false });
    expect(decodePayload(new TextEncoder().encode('{"a":1}'), 'json')).toEqual({ ok: true, text: '{\n  "a": 1\n}' });
  });
});
