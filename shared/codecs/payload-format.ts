import { Base64Error, decodeBase64, encodeBase64 } from './base64';
import { HexError, decodeHex, encodeHex } from './hex';
import { jsonProblem } from './json';
import { decodeUtf8Strict, encodeUtf8 } from './utf8';

/** How a user writes or reads a payload. The bytes are always the truth; these are views. */
export const PAYLOAD_FORMATS = ['text', 'json', 'hex', 'base64'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

export interface PayloadProblem {
  format: PayloadFormat;
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

/** Turns what the user typed into bytes, or says exactly where it is wrong. Never throws. */
export function encodePayload(text: string, format: PayloadFormat): EncodeResult {
  try {
    switch (format) {
      case 'text':
        return { ok: true, bytes: encodeUtf8(text) };
      case 'json': {
        const problem = jsonProblem(text);
        if (problem) return { ok: false, problem: { format, message: problem.message, line: problem.line, column: problem.column } };
        return { ok: true, bytes: encodeUtf8(text) };
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

/** Shows bytes in a format; text and JSON fail clearly on bytes that are not valid UTF-8 / JSON. */
export function decodePayload(bytes: Uint8Array, format: PayloadFormat): DecodeResult {
  switch (format) {
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
