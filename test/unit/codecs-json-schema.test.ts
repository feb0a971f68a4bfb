import { describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codecs/codec-error';
import type { SchemaFile } from '../../shared/contract/codec-rules';
import { MAX_SCHEMA_VIOLATIONS, compileJsonSchema } from '../../main/core/codecs/json-schema-check';
import { locatePointer, parseSchemaJson } from '../../main/core/codecs/json-schema-source';

function file(name: string, schema: unknown): SchemaFile {
  return { name, text: typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2) };
}

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error('expected a CodecError');
}

const telemetry2020 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['device', 'sensors'],
  properties: {
    device: { type: 'string', minLength: 1 },
    sensors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'value'],
        properties: { id: { type: 'integer' }, value: { type: 'number', minimum: -40, maximum: 100 }, unit: { enum: ['°C', '%'] } },
      },
    },
  },
  $defs: { unused: { type: 'null' } },
};

const telemetryDraft07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    counter: { type: 'integer', minimum: 0 },
    mode: { type: 'string', enum: ['auto', 'manual'] },
    // Draft-07 spells tuples as an items array plus additionalItems.
    pair: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
  },
  additionalProperties: false,
  definitions: { x: { type: 'string' } },
};

describe('JSON Schema draft 2020-12 marks invalid messages with the failing path and keyword', () => {
  const check = compileJsonSchema(file('telemetry.schema.json', telemetry2020));

  it('passes a valid message with no violations', () => {
    expect(check({ device: 'press-7', sensors: [{ id: 0, value: 21.5, unit: '°C' }, { id: 1, value: 40 }] })).toEqual([]);
  });

  it('points at the value that breaks a bound, with the keyword and ajv’s message', () => {
    expect(check({ device: 'press-7', sensors: [{ id: 0, value: 21.5 }, { id: 1, value: 180 }] })).toEqual([
      { path: '/sensors/1/value', keyword: 'maximum', message: 'must be <= 100' },
    ]);
  });

  it('reports every violation (allErrors), a missing property at its parent', () => {
    expect(check({ device: '', sensors: [{ id: 'a', value: 5, unit: 'K' }, { value: 3 }] })).toEqual([
      { path: '/device', keyword: 'minLength', message: 'must NOT have fewer than 1 characters' },
      { path: '/sensors/0/id', keyword: 'type', message: 'must be integer' },
      { path: '/sensors/0/unit', keyword: 'enum', message: 'must be equal to one of the allowed values: "°C", "%"' },
      { path: '/sensors/1', keyword: 'required', message: "must have required property 'id'" },
    ]);
  });

  it('uses 2020-12 semantics (prefixItems, $defs) when $schema says so', () => {
    const framed = compileJsonSchema(
      file('framed.json', {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ const: 'v1' }],
        items: { $ref: '#/$defs/reading' },
        $defs: { reading: { type: 'number' } },
      }),
    );
    expect(framed(['v1', 1, 2.5])).toEqual([]);
    expect(framed(['v2', 1, 'x'])).toEqual([
      { path: '/0', keyword: 'const', message: 'must be equal to constant "v1"' },
      { path: '/2', keyword: 'type', message: 'must be number' },
    ]);
  });

  it("uses the root path '' for the whole value", () => {
    expect(check([1, 2])).toEqual([{ path: '', keyword: 'type', message: 'must be object' }]);
  });

  it('treats a schema without $schema as 2020-12', () => {
    const tuple = compileJsonSchema(file('tuple.json', { prefixItems: [{ type: 'string' }], items: false }));
    expect(tuple(['a'])).toEqual([]);
    expect(tuple(['a', 2])).toEqual([{ path: '', keyword: 'items', message: 'must NOT have more than 1 items' }]);
  });

  it(`keeps at most ${MAX_SCHEMA_VIOLATIONS} violations for a value that fails everywhere`, () => {
    const many = compileJsonSchema(file('many.json', { type: 'array', items: { type: 'string' } }));
    const violations = many(Array.from({ length: 500 }, (_, i) => i));
    expect(violations).toHaveLength(MAX_SCHEMA_VIOLATIONS);
    expect(violations[19]).toEqual({ path: '/19', keyword: 'type', message: 'must be string' });
  });
});

describe('JSON Schema draft-07 is read as draft-07', () => {
  const check = compileJsonSchema(file('machine.schema.json', telemetryDraft07));

  it('passes a valid message', () => {
    expect(check({ counter: 3, mode: 'auto', pair: [1, 2] })).toEqual([]);
  });

  it('names the additional property, the bad enum value’s path and the tuple overflow', () => {
    expect(check({ counter: -1, mode: 'off', pair: [1, 2, 3], extra: true })).toEqual([
      { path: '', keyword: 'additionalProperties', message: "must NOT have additional property 'extra'" },
      { path: '/counter', keyword: 'minimum', message: 'must be >= 0' },
      { path: '/mode', keyword: 'enum', message: 'must be equal to one of the allowed values: "auto", "manual"' },
      { path: '/pair', keyword: 'additionalItems', message: 'must NOT have more than 2 items' },
    ]);
  });
});

describe('JSON Schema checks values other codecs decode', () => {
  const check = compileJsonSchema(
    file('counters.json', {
      type: 'object',
      properties: { total: { type: 'integer', minimum: 0, maximum: 9223372036854775807 }, small: { type: 'integer', maximum: 10 }, blob: { type: 'object', required: ['$bytes'] } },
    }),
  );

  it('checks 64-bit integers (bigint) as integers: type and bounds answer as for the number sent', () => {
    expect(check({ total: 18446744073709551615n, small: 3n })).toEqual([{ path: '/total', keyword: 'maximum', message: 'must be <= 9223372036854776000' }]);
    expect(check({ total: 9007199254740993n, small: 11n })).toEqual([{ path: '/small', keyword: 'maximum', message: 'must be <= 10' }]);
    expect(check({ total: -1n })).toEqual([{ path: '/total', keyword: 'minimum', message: 'must be >= 0' }]);
  });

  it('sees bytes as the {"$bytes": base64} envelope the user reads', () => {
    expect(check({ blob: Uint8Array.from([1, 2, 3]) })).toEqual([]);
  });

  it('does not change the value it checks', () => {
    const value = { total: 5n, nested: [{ blob: Uint8Array.from([1]) }] };
    check(value);
    expect(value.total).toBe(5n);
    expect(value.nested[0]!.blob).toBeInstanceOf(Uint8Array);
  });

  it('keeps a "__proto__" key from a payload as a plain property', () => {
    const strict = compileJsonSchema(file('strict.json', { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' } } }));
    const hostile = JSON.parse('{"a": 1, "__proto__": {"a": "x"}}') as unknown;
    expect(strict(hostile)).toEqual([{ path: '', keyword: 'additionalProperties', message: "must NOT have additional property '__proto__'" }]);
    const withBigint = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    withBigint.a = 1n;
    expect(strict(withBigint)).toEqual([{ path: '', keyword: 'additionalProperties', message: "must NOT have additional property '__proto__'" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('JSON Schema files that do not compile say where', () => {
  it('gives line and column of a JSON syntax error', () => {
    const error = codecError(() => compileJsonSchema(file('bad.json', '{\n  "type": "object",\n  "properties": {\n    "a": ,\n  }\n}')));
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'bad.json', line: 4, column: 10 });
    expect(error.message).toBe("JSON Schema bad.json is not valid JSON: expected a value, found ',' at line 4, column 10");
  });

  it('points at the misspelt type of an invalid schema', () => {
    const text = '{\n  "type": "object",\n  "properties": {\n    "t": { "type": "nmber" }\n  }\n}';
    const error = codecError(() => compileJsonSchema(file('typo.json', text)));
    expect(error.message).toMatch(/^JSON Schema typo\.json is not a valid schema: at \/properties\/t\/type: must be equal to one of the allowed values/);
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'typo.json', line: 4, column: 20 });
  });

  it('points at an unresolved $ref', () => {
    const text = '{\n  "type": "object",\n  "properties": { "a": { "$ref": "#/$defs/missing" } }\n}';
    const error = codecError(() => compileJsonSchema(file('ref.json', text)));
    expect(error.message).toMatch(/^JSON Schema ref\.json does not compile: can't resolve reference #\/\$defs\/missing/);
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'ref.json', line: 3, column: 34 });
  });

  it('refuses a pattern that is not a regular expression with a CodecError, not a SyntaxError', () => {
    expect(codecError(() => compileJsonSchema(file('re.json', { type: 'string', pattern: '(' }))).message).toMatch(/does not compile: Invalid regular expression/);
  });

  it('refuses a $ref loop that would recurse forever, at compile time, as a CodecError', () => {
    expect(codecError(() => compileJsonSchema(file('loop.json', { $ref: '#' }))).message).toMatch(/^JSON Schema loop\.json cannot check anything: Maximum call stack size exceeded/);
    expect(codecError(() => compileJsonSchema(file('loop2.json', { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }))).message).toMatch(
      /^JSON Schema loop2\.json does not compile: Maximum call stack size exceeded/,
    );
  });

  it('checks recursive schemas (a tree of nodes) and reports a value too deep to check as a CodecError', () => {
    const tree = compileJsonSchema(file('tree.json', { type: 'object', properties: { v: { type: 'integer' }, children: { type: 'array', items: { $ref: '#' } } } }));
    expect(tree({ v: 1, children: [{ v: 2, children: [{ v: 'x' }] }] })).toEqual([{ path: '/children/0/children/0/v', keyword: 'type', message: 'must be integer' }]);
    let deep: { v: number; children: unknown[] } = { v: 0, children: [] };
    for (let i = 0; i < 100_000; i++) deep = { v: i, children: [deep] };
    expect(codecError(() => tree(deep)).message).toMatch(/^JSON Schema tree\.json could not check this value: Maximum call stack size exceeded/);
  });

  it('refuses draft-04 with the change to make, and an unknown $schema', () => {
    const old = codecError(() => compileJsonSchema(file('old.json', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' })));
    expect(old.message).toMatch(/is draft-04, which is not supported: change \$schema to draft-07/);
    expect(old.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'old.json', line: 2, column: 14 });
    expect(codecError(() => compileJsonSchema(file('x.json', { $schema: 'https://example.com/my-meta' }))).message).toMatch(/unknown \$schema/);
  });

  it('refuses JSON that is not a schema (a number, an array)', () => {
    expect(codecError(() => compileJsonSchema(file('n.json', '42'))).message).toBe('JSON Schema n.json must be an object or a boolean');
    expect(codecError(() => compileJsonSchema(file('a.json', '[]'))).message).toBe('JSON Schema a.json must be an object or a boolean');
  });

  it('accepts boolean schemas, unknown keywords and draft-06', () => {
    expect(compileJsonSchema(file('t.json', 'true'))({ any: 1 })).toEqual([]);
    expect(compileJsonSchema(file('f.json', 'false'))(1)).toEqual([{ path: '', keyword: 'false schema', message: 'boolean schema is false' }]);
    expect(compileJsonSchema(file('u.json', { type: 'number', unit: '°C', 'x-sensor': 'pt100' }))(3)).toEqual([]);
    expect(compileJsonSchema(file('d6.json', { $schema: 'http://json-schema.org/draft-06/schema#', exclusiveMaximum: 5 }))(5)).toEqual([
      { path: '', keyword: 'exclusiveMaximum', message: 'must be < 5' },
    ]);
  });

  it.each([
    ['http://json-schema.org/draft-07/schema#', '07'],
    ['https://json-schema.org/draft-07/schema', '07'],
    ['http://json-schema.org/draft/2020-12/schema', '2020-12'],
    ['https://json-schema.org/draft/2020-12/schema#', '2020-12'],
    ['https://json-schema.org/schema', '2020-12'],
    ['https://json-schema.org/draft/2019-09/schema', '2019-09'],
  ])('reads $schema %s (http or https, with or without #) as draft %s', (uri, draft) => {
    // prefixItems is 2020-12's: the older drafts ignore it as an unknown keyword.
    const check = compileJsonSchema(file('t.json', { $schema: uri, type: 'array', prefixItems: [{ type: 'number' }] }));
    expect(check(['x']).map((v) => v.keyword)).toEqual(draft === '2020-12' ? ['type'] : []);
  });

  it('lets two schemas share an $id', () => {
    const a = compileJsonSchema(file('a.json', { $id: 'https://example.com/t', type: 'string' }));
    const b = compileJsonSchema(file('b.json', { $id: 'https://example.com/t', type: 'number' }));
    expect([a('x'), b(1)]).toEqual([[], []]);
  });

  it('ignores formats it does not check rather than failing the schema', () => {
    expect(compileJsonSchema(file('fmt.json', { type: 'string', format: 'date-time' }))('yesterday')).toEqual([]);
  });
});

describe('schema JSON positions', () => {
  it.each([
    ['{"a": 1,}', 1, 9, "expected a property name in double quotes, found '}'"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name, found '1'"],
    ['[1, 2', 1, 6, "expected ',' or ']', found the end of the text"],
    ['{"a": "x\\q"}', 1, 9, 'expected a valid escape'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": 1} x', 1, 10, 'expected the end of the text after the JSON value'],
    ['\n\n  {"a": 01}', 3, 10, "expected ',' or '}', found '1'"],
    ['"abc', 1, 5, 'expected a closing quote'],
    ['', 1, 1, 'expected a value, found the end of the text'],
  ])('finds the first error in %j at line %i, column %i', (text, line, column, message) => {
    const error = codecError(() => parseSchemaJson({ name: 's.json', text }, 'Schema'));
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 's.json', line, column });
    expect(error.message).toContain(message);
  });

  it('does not count a byte-order mark as a column, and parses past it', () => {
    expect(parseSchemaJson({ name: 'b.json', text: '\uFEFF{"a": 1}' }, 'Schema')).toEqual({ a: 1 });
    expect(codecError(() => parseSchemaJson({ name: 'b.json', text: '\uFEFF{"a" 1}' }, 'Schema')).where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'b.json', line: 1, column: 6 });
  });

  it('survives hostile nesting without overflowing the stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(199_999);
    expect(codecError(() => parseSchemaJson({ name: 'deep.json', text: deep }, 'Schema')).where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'deep.json', line: 1, column: 400_000 });
  });

  it('locates a JSON pointer, escapes included', () => {
    const text = '{\n  "a/b": {\n    "~x": [10, {"k": true}]\n  }\n}';
    expect(locatePointer(text, '/a~1b/~0x/1/k')).toEqual({ line: 3, column: 22 });
    expect(locatePointer(text, '')).toEqual({ line: 1, column: 1 });
    expect(locatePointer(text, '/nope')).toBeUndefined();
  });
});
