/**
 * Schema files (.avsc, JSON Schema) are JSON a user wrote or pasted: a mistake must come back with
 * the file, line and column, the same on every Node version (V8's JSON.parse gives a position for
 * some errors only, and quotes the text in its message). Also finds where a JSON pointer's value
 * sits, so a schema that parses but is invalid can point at the offending part.
 */
import { CodecError } from '../../../shared/codecs/codec-error';
import type { SchemaFile } from '../../../shared/contract/codec-rules';

/** The contract's code for a schema that does not compile: the rule engine shows such errors as they are. */
export const SCHEMA_INVALID = 'CODEC_SCHEMA_INVALID';

export interface TextPosition {
  line: number;
  column: number;
}

/** Parses a schema file's JSON; CodecError with file, line and column when it is not JSON. */
export function parseSchemaJson(file: SchemaFile, what: string): unknown {
  const text = stripBom(file.text);
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = scanJson(text).error ?? { offset: text.length, message: 'not valid JSON' };
    const { line, column } = positionAt(text, problem.offset);
    throw new CodecError(`${what} ${file.name} is not valid JSON: ${problem.message} at line ${line}, column ${column}`, { code: SCHEMA_INVALID, file: file.name, line, column }, { cause: error });
  }
}

/** 1-based line and column (UTF-16 units) of an offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Where the value at a JSON pointer (`/properties/x/type`) starts in a file's text, when the text parses and holds it. */
export function locatePointer(text: string, pointer: string): TextPosition | undefined {
  const clean = stripBom(text);
  const segments = pointer === '' ? [] : pointer.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const found = scanJson(clean, segments).found;
  return found === undefined ? undefined : positionAt(clean, found);
}

/** Where a string value (as JSON spells it, quotes included) appears in a file's text: the first time, or the `nth`. */
export function locateString(text: string, value: string, nth = 1): TextPosition | undefined {
  const clean = stripBom(text);
  const needle = JSON.stringify(value);
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = clean.indexOf(needle, index + 1);
    if (index < 0) return undefined;
  }
  return positionAt(clean, index);
}

function stripBom(text: string): string {
  // Editors on Windows save a byte-order mark JSON.parse rejects; it is invisible, so columns do not count it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface Frame {
  array: boolean;
  key: string;
  index: number;
}

interface ScanResult {
  error?: { offset: number; message: string };
  /** Offset where the value at the target path starts. */
  found?: number;
}

/**
 * One pass over JSON text by the RFC 8259 grammar with an explicit stack (deeply nested hostile text
 * cannot overflow the call stack): the first error's offset and what was expected there, and where
 * the value at `target` starts.
 */
function scanJson(text: string, target?: readonly string[]): ScanResult {
  const result: ScanResult = {};
  const stack: Frame[] = [];
  const length = text.length;
  let pos = 0;
  const fail = (offset: number, expected: string): ScanResult => {
    const found = offset >= length ? 'the end of the text' : `'${text[offset]}'`;
    result.error = { offset, message: `expected ${expected}, found ${found}` };
    return result;
  };
  const skipSpace = (): void => {
    for (; pos < length; pos++) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    }
  };
  const atTarget = (): boolean => {
    if (!target || result.found !== undefined || stack.length !== target.length) return false;
    for (let i = 0; i < stack.length; i++) if (stack[i]!.key !== target[i]) return false;
    return true;
  };
  /** Scans a string at pos (a '"'); returns its end (after the closing quote) or -1 after recording the error. */
  const scanString = (): number => {
    for (let i = pos + 1; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c < 0x20) {
        fail(i, 'a closing quote (control characters must be escaped in strings)');
        return -1;
      }
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            fail(i, 'four hex digits after \\u');
            return -1;
          }
          i += 5;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i++;
        } else {
          fail(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
          return -1;
        }
      }
    }
    fail(length, 'a closing quote');
    return -1;
  };
  const scanKey = (frame: Frame): boolean => {
    skipSpace();
    if (text[pos] !== '"') {
      fail(pos, 'a property name in double quotes');
      return false;
    }
    const end = scanString();
    if (end < 0) return false;
    if (target) frame.key = JSON.parse(text.slice(pos, end)) as string;
    pos = end;
    skipSpace();
    if (text[pos] !== ':') {
      fail(pos, "':' after the property name");
      return false;
    }
    pos++;
    return true;
  };

  for (;;) {
    // A value starts here.
    skipSpace();
    if (atTarget()) result.found = pos;
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos++;
      skipSpace();
      const close = c === '{' ? '}' : ']';
      if (text[pos] === close) {
        pos++;
      } else {
        const frame: Frame = { array: c === '[', key: '0', index: 0 };
        stack.push(frame);
        if (!frame.array && !scanKey(frame)) return result;
        continue;
      }
    } else if (c === '"') {
      const end = scanString();
      if (end < 0) return result;
      pos = end;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
      match.lastIndex = pos;
      if (!match.test(text)) return fail(pos, 'a number');
      pos = match.lastIndex;
    } else if (text.startsWith('true', pos)) {
      pos += 4;
    } else if (text.startsWith('false', pos)) {
      pos += 5;
    } else if (text.startsWith('null', pos)) {
      pos += 4;
    } else {
      return fail(pos, 'a value');
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      skipSpace();
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (pos < length) return fail(pos, 'the end of the text after the JSON value');
        return result;
      }
      const ch = text[pos];
      if (ch === ',') {
        pos++;
        if (frame.array) {
          frame.index++;
          frame.key = String(frame.index);
        } else if (!scanKey(frame)) {
          return result;
        }
        break;
      }
      if (ch === (frame.array ? ']' : '}')) {
        pos++;
        stack.pop();
        continue;
      }
      return fail(pos, frame.array ? "',' or ']'" : "',' or '}'");
    }
  }
}
