import { describe, expect, it } from 'vitest';
import { fromByteJson, toByteJson } from '../../shared/codecs/byte-envelope';
import { decodeFrame, encodeFrame } from '../../shared/wire';
import { decodeProperties, encodeProperties } from '../../main/core/history/properties';

describe('the one byte envelope', () => {
  it('writes bytes as { "$bytes": base64 } and reads them back, nested, undefined members left out', () => {
    const value = { a: Uint8Array.from([1, 2]), list: [Uint8Array.from([255])], gone: undefined };
    const json = JSON.stringify(toByteJson(value));
    expect(json).toBe('{"a":{"$bytes":"AQI="},"list":[{"$bytes":"/w=="}]}');
    expect(fromByteJson(JSON.parse(json))).toEqual({ a: Uint8Array.from([1, 2]), list: [Uint8Array.from([255])] });
  });

  it('is the same envelope on the wire and in History', () => {
    const properties = { correlationData: Uint8Array.from([9, 8]) };
    expect(encodeProperties(properties)).toBe('{"correlationData":{"$bytes":"CQg="}}');
    expect(encodeFrame({ type: 'event', channel: 'x', payload: properties })).toContain('{"correlationData":{"$bytes":"CQg="}}');
  });

  it('reads History rows written before it ({ "$base64": ... }), but not on the wire', () => {
    expect(decodeProperties('{"correlationData":{"$base64":"CQg="},"contentType":"a"}')).toEqual({ correlationData: Uint8Array.from([9, 8]), contentType: 'a' });
    expect(decodeProperties('{"correlationData":{"$bytes":"CQg="}}')).toEqual({ correlationData: Uint8Array.from([9, 8]) });
    expect(decodeFrame('{"payload":{"$base64":"CQg="}}')).toEqual({ payload: { $base64: 'CQg=' } });
  });

  it('leaves objects with other keys beside the envelope key alone', () => {
    expect(fromByteJson({ $bytes: 'AQI=', extra: 1 }, undefined, true)).toEqual({ $bytes: 'AQI=', extra: 1 });
    expect(fromByteJson({ $base64: 'AQI=', $bytes: 'AQI=' }, undefined, true)).toEqual({ $base64: 'AQI=', $bytes: 'AQI=' });
  });
});
