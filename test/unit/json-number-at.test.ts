/**
 * Which number a caret touches in JSON text, and its path: what the message detail's JSON view
 * uses to offer "Plot <path>" for the number the user clicks.
 */
import { describe, expect, it } from 'vitest';
import { jsonNumberAt } from '../../renderer/payload/json-number-at';
import { formatPath, numericLeaves, valueAt } from '../../renderer/payload/json-paths';

/** The path (formatted) of the number touched at the first `|` in `marked`, the `|` taken out. */
function pathAtMark(marked: string): string | undefined {
  const offset = marked.indexOf('|');
  const found = jsonNumberAt(marked.slice(0, offset) + marked.slice(offset + 1), offset);
  return found && formatPath(found.path);
}

describe('jsonNumberAt', () => {
  it('finds every number of a pretty-printed document at every caret on it, with the path that reads it back', () => {
    const doc = { sensor: { temp: 21.5, pressure: 101_325, limits: [-40, 1.5e-7] }, id: 'b1', ok: true, rows: [[1, 2], [3, { v: 0 }]], none: null };
    for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc)]) {
      const found: string[] = [];
      for (let offset = 0; offset <= text.length; offset++) {
        const at = jsonNumberAt(text, offset);
        if (!at) continue;
        expect(offset).toBeGreaterThanOrEqual(at.start);
        expect(offset).toBeLessThanOrEqual(at.end);
        expect(valueAt(doc, at.path)).toBe(Number(text.slice(at.start, at.end)));
        const path = formatPath(at.path);
        if (found[found.length - 1] !== path) found.push(path);
      }
      expect(found).toEqual(numericLeaves(doc).map((leaf) => formatPath(leaf.path)));
    }
  });

  it('counts a caret just before the first character or just after the last (Monaco puts it there on a click)', () => {
    expect(pathAtMark('{"a": |-12.5}')).toBe('a');
    expect(pathAtMark('{"a": -|12.5}')).toBe('a');
    expect(pathAtMark('{"a": -12.5|}')).toBe('a');
    expect(jsonNumberAt('{"a": -12.5}', 6)).toEqual({ path: ['a'], start: 6, end: 11 });
  });

  it('follows nesting: objects in arrays in objects, arrays of arrays, a key after earlier keys', () => {
    expect(pathAtMark('[[1, 2], [3, [4, |5]]]')).toBe('[1][1][1]');
    expect(pathAtMark('{"a": {"b": [10, {"c": |-2.5e3}]}}')).toBe('a.b[1].c');
    expect(pathAtMark('{"a": 1, "b": {"x": 2}, "c": |3}')).toBe('c');
    expect(pathAtMark('{"a": [1, 2], "b": |3}')).toBe('b');
    expect(pathAtMark('{"a": {}, "b": [], "c": [[]], "d": |4}')).toBe('d');
  });

  it('reads keys the way JSON.parse does: braces, quotes and escapes inside strings change nothing', () => {
    expect(pathAtMark('{"s": "}{][,:\\"1", "k\\"ey": |5}')).toBe('["k\\"ey"]');
    expect(pathAtMark('{"\\u00e9t\\u00e9": |6}')).toBe('["été"]');
    expect(pathAtMark('{"a\\\\": {"": |7}}')).toBe('["a\\\\"][""]');
    expect(pathAtMark('{"x": "\\\\", "y": |8}')).toBe('y');
    expect(pathAtMark('{"__proto__": |9}')).toBe('__proto__');
    const text = '{"__proto__": 9}';
    expect(valueAt(JSON.parse(text), jsonNumberAt(text, 14)!.path)).toBe(9);
  });

  it('gives the path [] for a document that is just a number', () => {
    expect(jsonNumberAt(' 42 ', 2)).toEqual({ path: [], start: 1, end: 3 });
  });

  it('gives nothing when the caret is not on a number', () => {
    expect(pathAtMark('{"te|mp": 21}')).toBeUndefined(); // a key
    expect(pathAtMark('{"temp": "2|1"}')).toBeUndefined(); // a number inside a string
    expect(pathAtMark('{"on": tr|ue, "n": null}')).toBeUndefined();
    expect(pathAtMark('{"a":|  1}')).toBeUndefined(); // whitespace before it
    expect(pathAtMark('{"a": 1,  | "b": 2}')).toBeUndefined();
    expect(pathAtMark('|{"a": 1}')).toBeUndefined();
    expect(jsonNumberAt('{"a": 1}', -1)).toBeUndefined();
    expect(jsonNumberAt('{"a": 1}', 99)).toBeUndefined();
    expect(jsonNumberAt('', 0)).toBeUndefined();
  });

  it('gives nothing when the JSON before the caret is not valid', () => {
    expect(pathAtMark('{1: |2}')).toBeUndefined(); // a number as a key
    expect(pathAtMark('{"a" |1}')).toBeUndefined(); // no colon
    expect(pathAtMark('[1 |2]')).toBeUndefined(); // no comma
    expect(pathAtMark('{"a": 1]|, "b": 2}')).toBeUndefined();
    expect(pathAtMark('{"a": "open, "b": |2}')).toBeUndefined(); // the string runs on: "b" is outside it
    expect(pathAtMark('{"a": |01}')).toBeUndefined();
    expect(pathAtMark('{"a": |1.2.3}')).toBeUndefined();
    expect(pathAtMark('{"a": |12abc}')).toBeUndefined();
    expect(pathAtMark('{"a": |.5}')).toBeUndefined();
    expect(pathAtMark('{"\\q": |1}')).toBeUndefined(); // a bad escape in a key
    expect(pathAtMark('{"a": "x\ny", "b": |1}')).toBeUndefined(); // a raw newline in a string
    expect(pathAtMark('1 |2')).toBeUndefined(); // a second document
    expect(pathAtMark('{"a": nul, "b": |1}')).toBeUndefined();
  });

  it('works on a view cut short: only the text up to the number is read', () => {
    expect(pathAtMark('{"list": [1, |2, 3')).toBe('list[1]');
    expect(pathAtMark('{"a": {"b": |3')).toBe('a.b');
  });
});
