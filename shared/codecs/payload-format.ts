import { Base64Error, decodeBase64, encodeBase64 } from './base64';
import { decodeCbor, encodeCbor } from './cbor';
import { prettyDisplayJson } from './display-json';
import { HexError, decodeHex, encodeHex } from './hex';
import { jsonProblem } from './json';
import { decodeMsgpack, encodeMsgpack } from './msgpack';
import { decodeProtobufRaw } from './protobuf-raw';
import { decodeSparkplugB } from './sparkplug-b';
import { decodeUtf8Strict, encodeUtf8 } from './utf8';

/**
 * How a user writes or reads a payload. The bytes are always the truth; these are views. CBOR and
 * MessagePack are written as JSON in the editor and shown as JSON.
 */
export const PAYLOAD_FORMATS = ['text', 'json', 'hex', 'base64', 'cbor', 'msgpack'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/**
 * What a payload can be shown as: every format it can be written in, Sparkplug B, and any
 * protobuf message read without its schema (both read only).
 */
export const VIEW_FORMATS = [...PAYLOAD_FORMATS, 'sparkplug', 'protobuf'] as const;
export type ViewFormat = (typeof VIEW_FORMATS)[number];

/** Formats whose text in the editor is JSON (validated and highlighted as JSON). */
export function isJsonEdited(format: ViewFormat): boolean {
  return format === 'json' || isStructuredBinary(format);
}

/** Formats decoded from binary into a structure shown as JSON. */
export function isStructuredBinary(format: ViewFormat): format is StructuredFormat {
  return format === 'cbor' || format === 'msgpack' || format === 'sparkplug' || format === 'protobuf';
}

type StructuredFormat = 'cbor' | 'msgpack' | 'sparkplug' | 'protobuf';
const STRUCTURED_NAMES: Record<StructuredFormat, string> = { cbor: 'CBOR', msgpack: 'MessagePack', sparkplug: 'Sparkplug B', protobuf: 'Protobuf' };
const STRUCTURED_DECODERS: Record<StructuredFormat, (bytes: Uint8Array) => unknown> = {
  cbor: decodeCbor,
  msgpack: decodeMsgpack,
  sparkplug: decodeSparkplugB,
  protobuf: decodeProtobufRaw,
};

/**
 * Decodes CBOR, MessagePack, Sparkplug B or raw protobuf bytes and spells the result as pretty JSON (64-bit
 * integers with every digit, byte strings as hex). Throws an Error naming the format.
 */
export function decodeStructured(bytes: Uint8Array, format: StructuredFormat): string {
  try {
    return prettyDisplayJson(STRUCTURED_DECODERS[format](bytes));
  } catch (error) {
    throw new Error(`Not ${STRUCTURED_NAMES[format]}: ${(error as Error).message}`, { cause: error });
  }
}

export interface PayloadProblem {
  format: ViewFormat;
  message: string;
  /** Zero-based character offset of the first problem, when known. */
  position?: number;
  line?: number;
  column?: number;
}

export type EncodeResult = { ok: true; bytes: Uint8Array } | { ok: false; problem: PayloadProblem };

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  return { line: before.split('\n').length, column: position - before.lastIndexOf('\n') };
}

/**
 * Whether the editor holds nothing to encode: in every format but text (where spaces are a payload),
 * an empty or blank editor means an empty payload, the one that clears a retained message.
 */
export function isEmptyPayloadText(text: string, format: PayloadFormat): boolean {
  return format === 'text' ? text === '' : text.trim() === '';
}

/** Turns what the user typed into bytes, or says exactly where it is wrong. Never throws. */
export function encodePayload(text: string, format: PayloadFormat): EncodeResult {
  // Not JSON's "unexpected end": an empty payload is a real MQTT message in any format.
  if (isEmptyPayloadText(text, format)) return { ok: true, bytes: new Uint8Array(0) };
  try {
    switch (format) {
      case 'text':
        return { ok: true, bytes: encodeUtf8(text) };
      case 'json':
      case 'cbor':
      case 'msgpack': {
        const problem = jsonProblem(text);
        if (problem) return { ok: false, problem: { format, message: problem.message, line: problem.line, column: problem.column } };
        if (format === 'json') return { ok: true, bytes: encodeUtf8(text) };
        // Numbers beyond 2^53 lose digits in JSON.parse, as they would in any JSON tool.
        const value: unknown = JSON.parse(text);
        return { ok: true, bytes: format === 'cbor' ? encodeCbor(value) : encodeMsgpack(value) };
      }
      case 'hex':
        return { ok: true, bytes: decodeHex(text) };
      case 'base64':
        return { ok: true, bytes: decodeBase64(text) };
    }
  } catch (error) {
    if (error instanceof HexError || error instanceof Base64Error) {
      return { ok: false, problem: { format, message: error.message, position: error.position, ...lineAndColumn(text, error.position) } };
    }
    throw error;
  }
}

export type DecodeResult = { ok: true; text: string } | { ok: false; problem: PayloadProblem };

/** Shows bytes in a format; each fails clearly on bytes that are not valid in it (UTF-8, JSON, CBOR...). */
export function decodePayload(bytes: Uint8Array, format: ViewFormat): DecodeResult {
  switch (format) {
    case 'cbor':
    case 'msgpack':
    case 'sparkplug':
    case 'protobuf':
      try {
        return { ok: true, text: decodeStructured(bytes, format) };
      } catch (error) {
        return { ok: false, problem: { format, message: (error as Error).message } };
      }
    case 'hex':
      return { ok: true, text: encodeHex(bytes, ' ') };
    case 'base64':
      return { ok: true, text: encodeBase64(bytes) };
    case 'text':
    case 'json': {
      const text = decodeUtf8Strict(bytes);
      if (text === null) return { ok: false, problem: { format, message: 'The payload is not valid UTF-8 text' } };
      if (format === 'text') return { ok: true, text };
      try {
        return { ok: true, text: JSON.stringify(JSON.parse(text), null, 2) };
      } catch (error) {
        return { ok: false, problem: { format, message: `Not JSON: ${(error as Error).message}` } };
      }
    }
  }
}
