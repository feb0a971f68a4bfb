import type { JsonPath } from './json-paths';

/** A number in JSON text: its path in the document and its characters, [start, end). */
export interface JsonNumberAt {
  path: JsonPath;
  start: number;
  end: number;
}

// RFC 8259 §6. Sticky: each matches only where the scan stands.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
/** A character that may not follow a number or literal: `01`, `1.2.3`, `12abc` and `nullx` are not JSON. */
const RUN_ON = /[\w.+-]/;

/** An object's current key is kept as where it is in the text, [keyStart, keyEnd): only the path's keys are ever decoded. */
type Frame = { kind: 'object'; keyStart: number; keyEnd: number } | { kind: 'array'; index: number };
/** What may come next: the grammar, just enough to know that each key and index is real. */
type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after';

/** The index just past the string opening at `start`, or -1 when it does not close (or holds a raw control character). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code === 0x5c) i++;
    else if (code < 0x20) return -1;
  }
  return -1;
}

/** The path the stack stands for, its keys decoded as JSON.parse would; undefined for a key with a bad escape. */
function pathOf(text: string, stack: readonly Frame[]): JsonPath | undefined {
  const path: (string | number)[] = [];
  for (const frame of stack) {
    if (frame.kind === 'array') {
      path.push(frame.index);
      continue;
    }
    try {
      path.push(JSON.parse(text.slice(frame.keyStart, frame.keyEnd)) as string);
    } catch {
      return undefined;
    }
  }
  return path;
}

function skipWhitespace(text: string, pos: number): number {
  for (;;) {
    const code = text.charCodeAt(pos);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return pos;
    pos++;
  }
}

function matchAt(pattern: RegExp, text: string, pos: number): number {
  pattern.lastIndex = pos;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/**
 * The number a caret at `offset` touches in JSON `text` (from just before its first character to
 * just after its last), with its path; undefined when the caret is on anything else or the JSON
 * before it is not valid (its structure; escapes are checked in the path's keys only). Only the
 * text up to the number is read, so a view cut short still works.
 */
export function jsonNumberAt(text: string, offset: number): JsonNumberAt | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  const stack: Frame[] = [];
  let expect: Expect = 'value';
  let pos = 0;
  const isValueExpected = () => expect === 'value' || expect === 'value-or-close';
  for (;;) {
    pos = skipWhitespace(text, pos);
    // Past the caret without meeting a number under it.
    if (pos > offset || pos >= text.length) return undefined;
    const top = stack[stack.length - 1];
    const ch = text[pos]!;
    if (ch === '"') {
      const end = stringEnd(text, pos);
      if (end < 0) return undefined;
      if (top?.kind === 'object' && (expect === 'key' || expect === 'key-or-close')) {
        top.keyStart = pos;
        top.keyEnd = end;
        expect = 'colon';
      } else if (isValueExpected()) {
        expect = 'after';
      } else {
        return undefined;
      }
      pos = end;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const end = matchAt(NUMBER, text, pos);
      if (end < 0 || !isValueExpected() || RUN_ON.test(text[end] ?? '')) return undefined;
      if (offset <= end) {
        const path = pathOf(text, stack);
        return path && { path, start: pos, end };
      }
      expect = 'after';
      pos = end;
    } else if (ch === '{' || ch === '[') {
      if (!isValueExpected()) return undefined;
      stack.push(ch === '{' ? { kind: 'object', keyStart: 0, keyEnd: 0 } : { kind: 'array', index: 0 });
      expect = ch === '{' ? 'key-or-close' : 'value-or-close';
      pos++;
    } else if (ch === '}' || ch === ']') {
      const closes = ch === '}' ? top?.kind === 'object' && (expect === 'after' || expect === 'key-or-close') : top?.kind === 'array' && (expect === 'after' || expect === 'value-or-close');
      if (!closes) return undefined;
      stack.pop();
      expect = 'after';
      pos++;
    } else if (ch === ',') {
      if (expect !== 'after' || !top) return undefined;
      if (top.kind === 'array') top.index++;
      expect = top.kind === 'array' ? 'value' : 'key';
      pos++;
    } else if (ch === ':') {
      if (expect !== 'colon') return undefined;
      expect = 'value';
      pos++;
    } else {
      const end = matchAt(LITERAL, text, pos);
      if (end < 0 || !isValueExpected() || RUN_ON.test(text[end] ?? '')) return undefined;
      expect = 'after';
      pos = end;
    }
  }
}
