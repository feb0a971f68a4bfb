import { describe, expect, it } from 'vitest';
import { Base64Error, decodeBase64, encodeBase64 } from '../../shared/codecs/base64';
import { jsonProblem } from '../../shared/codecs/json';
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
