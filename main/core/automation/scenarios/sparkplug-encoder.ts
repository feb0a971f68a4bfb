/**
 * Sparkplug B payloads (Eclipse Sparkplug 3.0 `Payload` protobuf) for simulated edge nodes: the
 * writer side of shared/codecs/sparkplug-b.ts, with the same field numbers (Payload: timestamp 1,
 * metrics 2, seq 3; Metric: name 1, alias 2, timestamp 3, datatype 4, int_value 10, long_value 11,
 * float_value 12, double_value 13, boolean_value 14, string_value 15). Only the scalar metric
 * types a simulation publishes; a dozen lines of varints instead of a protobuf library at run time.
 */
import { SPARKPLUG_DATATYPES } from '../../../../shared/codecs/sparkplug-b';
import type { SparkplugMetricType } from './definition';

export interface SparkplugMetric {
  name: string;
  type: SparkplugMetricType;
  value: number | bigint | boolean | string;
  timestamp?: number;
}

export interface SparkplugPayload {
  timestamp: number;
  /** 0-255; absent in NDEATH (Sparkplug 3.0 [tck-id-payloads-ndeath-seq]). */
  seq?: number;
  metrics: SparkplugMetric[];
}

class Writer {
  private chunks: number[] = [];
  varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }
  key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  uint(field: number, value: bigint | number): void {
    this.key(field, 0);
    this.varint(value);
  }
  bytes(field: number, bytes: Uint8Array): void {
    this.key(field, 2);
    this.varint(bytes.length);
    for (const b of bytes) this.chunks.push(b);
  }
  string(field: number, text: string): void {
    this.bytes(field, new TextEncoder().encode(text));
  }
  double(field: number, value: number): void {
    this.key(field, 1);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.chunks.push(view.getUint8(i));
  }
  float(field: number, value: number): void {
    this.key(field, 5);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.chunks.push(view.getUint8(i));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function encodeMetric(metric: SparkplugMetric): Uint8Array {
  const w = new Writer();
  w.string(1, metric.name);
  if (metric.timestamp !== undefined) w.uint(3, metric.timestamp);
  w.uint(4, SPARKPLUG_DATATYPES.indexOf(metric.type));
  const { value } = metric;
  switch (metric.type) {
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'UInt8':
    case 'UInt16':
    case 'UInt32':
      // Signed values travel as their two's complement in a uint32 (Sparkplug 3.0, 6.4.16).
      w.uint(10, Number(value) >>> 0);
      break;
    case 'Int64':
    case 'UInt64':
      w.uint(11, BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)))));
      break;
    case 'Float':
      w.float(12, Number(value));
      break;
    case 'Double':
      w.double(13, Number(value));
      break;
    case 'Boolean':
      w.uint(14, value === true || value === 'true' || value === 1 ? 1 : 0);
      break;
    case 'String':
      w.string(15, String(value));
      break;
  }
  return w.finish();
}

export function encodeSparkplugPayload(payload: SparkplugPayload): Uint8Array {
  const w = new Writer();
  w.uint(1, payload.timestamp);
  for (const metric of payload.metrics) w.bytes(2, encodeMetric(metric));
  if (payload.seq !== undefined) w.uint(3, payload.seq);
  return w.finish();
}

/** A metric value from a template's text, by its type: numbers parsed, Boolean from true/false/1/0. */
export function metricValue(type: SparkplugMetricType, text: string): number | bigint | boolean | string {
  switch (type) {
    case 'String':
      return text;
    case 'Boolean':
      return text.trim() === 'true' || text.trim() === '1';
    case 'Int64':
    case 'UInt64':
      try {
        return BigInt(text.trim().replace(/\..*$/, ''));
      } catch {
        return 0n;
      }
    default: {
      const number = Number(text);
      return Number.isFinite(number) ? number : 0;
    }
  }
}
