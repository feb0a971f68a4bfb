import { describe, expect, it } from 'vitest';
import { compileLayout, LAYOUT_HELP, MAX_LAYOUT_BYTES, MAX_REST_BYTES } from '../../shared/codecs/binary-layout';
import { CodecError } from '../../shared/codecs/codec-error';

/** The CodecError a call throws, as its message and position. */
function codecError(run: () => unknown): { message: string; line?: number; column?: number; offset?: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof CodecError) return { message: error.message, ...error.where };
    throw error;
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('binary layouts: decoding what a device packed', () => {
  // A sensor frame as firmware might write it, built here with Node's own writers.
  const frame = Buffer.alloc(22);
  frame.writeUInt16BE(0x1234, 0); // temperature
  frame.writeInt32LE(-123456, 2); // pressure
  frame.writeFloatLE(0.5, 6);
  frame.writeFloatLE(-1.25, 10);
  frame.writeFloatLE(9.8100004196167, 14); // the float32 nearest 9.81
  frame[18] = 0b1010_0110; // flags:4 = 0b1010, mode:3 = 0b011, armed:1 = 0
  frame.writeUInt16LE(513, 19);
  frame[21] = 0xff;
  const layout = compileLayout('u16be temperature; i32le pressure; f32le accel[3]; u8 flags:bits(4); u8 mode:bits(3); bool armed:bits(1); u16le count; i8 delta');

  it('reads each field in order with its own type and byte order', () => {
    expect(layout.decode(frame)).toEqual({ temperature: 0x1234, pressure: -123456, accel: [0.5, -1.25, 9.81], flags: 0b1010, mode: 0b011, armed: false, count: 513, delta: -1 });
    expect(layout.size).toBe(22);
  });

  it('round-trips: the decoded JSON encodes back to the same bytes', () => {
    const decoded = layout.decode(frame);
    expect(hex(layout.encode(JSON.parse(JSON.stringify(decoded))))).toBe(frame.toString('hex'));
  });

  it('reads a payload that is a slice of a larger buffer (Node pools small Buffers)', () => {
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), frame]).subarray(3);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(layout.decode(pooled)).toEqual(layout.decode(new Uint8Array(frame)));
  });

  it('reads integers big-endian (network order) unless told otherwise, by suffix or an endian line', () => {
    const bytes = Uint8Array.from([0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02]);
    expect(compileLayout('u16 a; u16be b; u16le c; endian le\nu16 d').decode(bytes)).toEqual({ a: 0x0102, b: 0x0102, c: 0x0201, d: 0x0201 });
    expect(compileLayout('endian little; u16 a; u16be b; endian big; u16 c; u16 d').decode(bytes)).toEqual({ a: 0x0201, b: 0x0102, c: 0x0102, d: 0x0102 });
  });

  it('reads 64-bit integers exactly as BigInt and takes them back as BigInt, number or decimal string', () => {
    const bytes = Buffer.alloc(24);
    bytes.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, 0);
    bytes.writeBigInt64BE(-(2n ** 63n), 8);
    bytes.writeBigInt64BE(9007199254740993n, 16); // 2^53 + 1: a double would round it
    const wide = compileLayout('u64le max; i64 min; i64be odd');
    expect(wide.decode(bytes)).toEqual({ max: 0xffff_ffff_ffff_ffffn, min: -(2n ** 63n), odd: 9007199254740993n });
    expect(hex(wide.encode({ max: '18446744073709551615', min: -(2n ** 63n), odd: '9007199254740993' }))).toBe(bytes.toString('hex'));
    expect(hex(wide.encode({ max: 1, min: -1, odd: '0x10' }))).toBe('0100000000000000' + 'ffffffffffffffff' + '0000000000000010');
    // JSON.parse('18446744073709551615') is 18446744073709552000: refused, not sent with other digits.
    expect(codecError(() => wide.encode(JSON.parse('{"max": 18446744073709551615, "min": 0, "odd": 0}'))).message).toMatch(/^'max' \(u64le\): 18446744073709552000 is beyond 2\^53, where JSON numbers lose digits; write it as a string/);
  });

  it('reads 24-bit integers, signed and unsigned, in both byte orders', () => {
    const bytes = Buffer.alloc(9);
    bytes.writeUIntBE(0xabcdef, 0, 3);
    bytes.writeIntLE(-2, 3, 3);
    bytes.writeIntBE(-8388608, 6, 3);
    const layout24 = compileLayout('u24 a; i24le b; i24be c');
    expect(layout24.decode(bytes)).toEqual({ a: 0xabcdef, b: -2, c: -8388608 });
    expect(hex(layout24.encode({ a: 0xabcdef, b: -2, c: -8388608 }))).toBe(bytes.toString('hex'));
  });

  it('reads f32 as the shortest decimal of the same float and f64 as it is; NaN and Infinity encode from their names', () => {
    const bytes = Buffer.alloc(20);
    bytes.writeFloatBE(0.1, 0);
    bytes.writeDoubleLE(0.1, 4);
    bytes.writeFloatBE(NaN, 12);
    bytes.writeFloatBE(-Infinity, 16);
    const floats = compileLayout('f32 a; f64le b; f32 c; f32 d');
    expect(floats.decode(bytes)).toEqual({ a: 0.1, b: 0.1, c: NaN, d: -Infinity });
    expect(hex(floats.encode({ a: 0.1, b: '0.1', c: 'NaN', d: '-Infinity' }))).toBe(bytes.toString('hex'));
  });

  it('compiles the examples its help shows', () => {
    const example = /^Example: (.*)$/m.exec(LAYOUT_HELP)![1]!;
    expect(compileLayout(example).fields.map((field) => field.name)).toEqual(['temperature', 'pressure', 'accel', 'flags']);
    const reference = `
      # A sensor frame, 21 bytes
      u16be temperature /10 -40     # raw 0..65535 shown as raw / 10 - 40
      i32le pressure
      f32 accel[3]                  # three big-endian floats
      u8 version:bits(4); u8 mode:bits(4)
      pad(2)`;
    expect(compileLayout(reference).size).toBe(21);
  });

  it('accepts the array length after the type too, and comments with # or //, statements on lines or after ;', () => {
    const text = `# header
      f32[2] accel   // two floats
      u8 id; u8 kind # trailing comment

      `;
    const bytes = Buffer.alloc(10);
    bytes.writeFloatBE(1.5, 0);
    bytes.writeFloatBE(2, 4);
    bytes[8] = 7;
    bytes[9] = 8;
    expect(compileLayout(text).decode(bytes)).toEqual({ accel: [1.5, 2], id: 7, kind: 8 });
  });
});

describe('binary layouts: bit fields, MSB-first', () => {
  it('splits a byte as protocols draw it: 0x45 is IPv4 version 4, header length 5', () => {
    expect(compileLayout('u8 version:4; u8 ihl:4; u8 tos').decode(Uint8Array.from([0x45, 0x10]))).toEqual({ version: 4, ihl: 5, tos: 0x10 });
  });

  it('lets a field span bytes, reading them in order (a 12-bit field across two bytes)', () => {
    // 0xAB 0xCD: a = 0xA, b = 0xBCD
    const layout = compileLayout('u16 a:bits(4); u16 b:bits(12)');
    expect(layout.decode(Uint8Array.from([0xab, 0xcd]))).toEqual({ a: 0xa, b: 0xbcd });
    expect(hex(layout.encode({ a: 0xa, b: 0xbcd }))).toBe('abcd');
    expect(compileLayout('endian le; u16 a:bits(4); i16 b:bits(12)').fields.map((field) => field.type)).toEqual(['u16:bits(4)', 'i16:bits(12)']);
  });

  it('reads signed bit fields as two\'s complement over their bits, and bool bits as flags', () => {
    const layout = compileLayout('i8 t:bits(3); bool a:1; bool b:1; u8 rest:bits(3)');
    // 101 1 0 011: t = -3, a = true, b = false, rest = 3
    expect(layout.decode(Uint8Array.from([0b1011_0011]))).toEqual({ t: -3, a: true, b: false, rest: 3 });
    expect(hex(layout.encode({ t: -3, a: true, b: false, rest: 3 }))).toBe('b3');
  });

  it('ends a run at the next whole field: unused low bits are skipped on decode and zero on encode', () => {
    const layout = compileLayout('u8 a:bits(3); u16 b; u8 c:bits(8)');
    expect(layout.decode(Uint8Array.from([0b1111_1111, 0x01, 0x02, 0x7f]))).toEqual({ a: 7, b: 0x0102, c: 0x7f });
    expect(hex(layout.encode({ a: 7, b: 0x0102, c: 0x7f }))).toBe('e001027f');
    expect(layout.size).toBe(4);
  });

  it('packs arrays of bit fields one after the other', () => {
    const layout = compileLayout('u8 nibbles[4]:bits(4)');
    expect(layout.decode(Uint8Array.from([0x12, 0x34]))).toEqual({ nibbles: [1, 2, 3, 4] });
    expect(layout.fields[0]).toMatchObject({ type: 'u8[4]:bits(4)', size: 2, bits: 4, bitOffset: 0 });
  });

  it('reads a 40-bit field of a u64 run as BigInt', () => {
    const layout = compileLayout('u64 stamp:bits(40); i64 delta:bits(24)');
    const bytes = Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xff, 0xff, 0xfe]);
    expect(layout.decode(bytes)).toEqual({ stamp: 0x0123456789n, delta: -2n });
    expect(hex(layout.encode({ stamp: '4886718345', delta: -2 }))).toBe('0123456789fffffe');
  });

  it('reads bit fields as a C compiler on x86/ARM lays them out after bitorder lsb: the first field in the lowest bits', () => {
    // struct { uint8_t a:1, b:3, c:4; } with a = 1, b = 3, c = 10 is the byte c<<4 | b<<1 | a.
    const layout = compileLayout('bitorder lsb; u8 a:1; u8 b:3; u8 c:4');
    expect(layout.decode(Uint8Array.from([(10 << 4) | (3 << 1) | 1]))).toEqual({ a: 1, b: 3, c: 10 });
    expect(hex(layout.encode({ a: 1, b: 3, c: 10 }))).toBe('a7');
    expect(layout.fields[0]).toMatchObject({ bitOrder: 'lsb' });
  });

  it('reads an LSB-first field that crosses bytes as the bits of a little-endian number', () => {
    const bytes = Buffer.alloc(2);
    bytes.writeUInt16LE((0xabc << 4) | 0xd);
    const layout = compileLayout('bitorder lsb\nu16 low:bits(4); u16 high:bits(12)');
    expect(layout.decode(bytes)).toEqual({ low: 0xd, high: 0xabc });
    expect(hex(layout.encode({ low: 0xd, high: 0xabc }))).toBe(bytes.toString('hex'));

    const wide = Buffer.alloc(8);
    wide.writeBigUInt64LE((BigInt.asUintN(24, -3n) << 40n) | 0x12_3456_789an);
    const stamp = compileLayout('bitorder lsb; u64 stamp:bits(40); i64 delta:bits(24)');
    expect(stamp.decode(wide)).toEqual({ stamp: 0x12_3456_789an, delta: -3n });
    expect(hex(stamp.encode({ stamp: 0x12_3456_789an, delta: -3 }))).toBe(wide.toString('hex'));
  });

  it('keeps a bit order to the end of its struct, like endian', () => {
    const layout = compileLayout('struct s { bitorder lsb; u8 a:4; u8 b:4 }; u8 c:4; u8 d:4');
    expect(layout.decode(Uint8Array.from([0x12, 0x12]))).toEqual({ s: { a: 2, b: 1 }, c: 1, d: 2 });
  });

  it('refuses a value that does not fit the bits, naming the field', () => {
    expect(codecError(() => compileLayout('u8 a:bits(3); u8 b:bits(5)').encode({ a: 8, b: 0 })).message).toMatch(/'a' \(u8:bits\(3\)\) is out of range: 8, the range is 0 to 7/);
    expect(codecError(() => compileLayout('i8 a:bits(3)').encode({ a: -5 })).message).toMatch(/the range is -4 to 3/);
  });

  it('describes where each field sits, for the detail view', () => {
    const layout = compileLayout('u16le id; u8 a:bits(3); u8 b:bits(7); f32 v /10');
    expect(layout.fields).toEqual([
      { name: 'id', type: 'u16le', offset: 0, size: 2 },
      { name: 'a', type: 'u8:bits(3)', offset: 2, size: 1, bitOffset: 16, bits: 3, bitOrder: 'msb' },
      { name: 'b', type: 'u8:bits(7)', offset: 2, size: 2, bitOffset: 19, bits: 7, bitOrder: 'msb' },
      { name: 'v', type: 'f32be', offset: 4, size: 4, scale: { factor: 0.1, offset: 0 } },
    ]);
    expect(layout.size).toBe(8);
  });
});

describe('binary layouts: engineering values, text and structs', () => {
  it('scales raw counts into plottable values: raw / 10 - 40, shown as 23.5 and not 23.500000000000004', () => {
    const layout = compileLayout('u16 temperature /10 -40; i16 current *0.01; u8 level * 0.5 + 10');
    const bytes = Buffer.alloc(5);
    bytes.writeUInt16BE(635, 0);
    bytes.writeInt16BE(-1234, 2);
    bytes[4] = 7;
    expect(layout.decode(bytes)).toEqual({ temperature: 23.5, current: -12.34, level: 13.5 });
    expect(hex(layout.encode({ temperature: 23.5, current: -12.34, level: 13.5 }))).toBe(bytes.toString('hex'));
  });

  it('rounds an encoded engineering value to the nearest raw count and refuses one out of range', () => {
    const layout = compileLayout('u8 t /10');
    expect(hex(layout.encode({ t: 1.26 }))).toBe('0d');
    expect(codecError(() => layout.encode({ t: 30 })).message).toMatch(/'t' \(u8\) is out of range: 30 is 300 raw, the range is 0 to 255/);
  });

  it('trims trailing NULs from fixed text and pads it back with NULs', () => {
    const layout = compileLayout('char[8] model; utf8[8] site; bytes[3] mac; char[2] codes[2]');
    const bytes = Buffer.alloc(23);
    bytes.write('AB\u00e9', 0, 'latin1');
    bytes.write('Zürich', 8, 'utf8');
    Buffer.from('0a0b0c', 'hex').copy(bytes, 16);
    bytes.write('x', 19, 'latin1');
    bytes.write('yz', 21, 'latin1');
    expect(layout.decode(bytes)).toEqual({ model: 'ABé', site: 'Zürich', mac: '0a0b0c', codes: ['x', 'yz'] });
    expect(hex(layout.encode({ model: 'ABé', site: 'Zürich', mac: '0a:0b:0c', codes: ['x', 'yz'] }))).toBe(bytes.toString('hex'));
  });

  it('refuses text that does not fit, naming the field', () => {
    expect(codecError(() => compileLayout('utf8[4] s').encode({ s: 'ééé' })).message).toBe("'s' (utf8[4]) holds at most 4 bytes, the value has 6");
    expect(codecError(() => compileLayout('char[4] s').encode({ s: '€' })).message).toMatch(/'€' is not Latin-1/);
    expect(codecError(() => compileLayout('bytes[2] b').encode({ b: 'zz' })).message).toMatch(/'b' \(bytes\[2\]\) needs hex/);
  });

  it('decodes structs to nested objects and struct arrays to arrays of objects', () => {
    const layout = compileLayout(`
      u8 n
      struct gps { f64 lat; f64 lon }
      struct samples[2] {
        u16le t
        i8 v
      }`);
    const bytes = Buffer.alloc(1 + 16 + 6);
    bytes[0] = 2;
    bytes.writeDoubleBE(47.37, 1);
    bytes.writeDoubleBE(8.54, 9);
    bytes.writeUInt16LE(1000, 17);
    bytes.writeInt8(-5, 19);
    bytes.writeUInt16LE(2000, 20);
    bytes.writeInt8(6, 22);
    const value = { n: 2, gps: { lat: 47.37, lon: 8.54 }, samples: [{ t: 1000, v: -5 }, { t: 2000, v: 6 }] };
    expect(layout.decode(bytes)).toEqual(value);
    expect(hex(layout.encode(value))).toBe(bytes.toString('hex'));
    expect(layout.fields[2]).toMatchObject({ name: 'samples', type: 'struct[2]', offset: 17, size: 6, fields: [{ name: 't', offset: 0 }, { name: 'v', offset: 2 }] });
  });

  it('skips padding bytes and writes them as zero', () => {
    const layout = compileLayout('u8 a; pad(2); u8 b; skip 1; u8 c; pad 1; skip(1)');
    expect(layout.decode(Uint8Array.from([1, 9, 9, 2, 9, 3, 9, 9]))).toEqual({ a: 1, b: 2, c: 3 });
    expect(hex(layout.encode({ a: 1, b: 2, c: 3 }))).toBe('0100000200030000');
  });
});

describe('binary layouts: payloads that do not match the layout', () => {
  const layout = compileLayout('u16be temperature; i32le pressure; f32 accel[3]');

  it('names the first field a short payload cuts and the byte offset where it starts', () => {
    expect(codecError(() => layout.decode(new Uint8Array(4)))).toEqual({ message: "The payload is 4 bytes, too short: 'pressure' (i32le) needs bytes 2 to 5", offset: 2 });
    expect(codecError(() => layout.decode(new Uint8Array(0)))).toMatchObject({ offset: 0, message: expect.stringContaining("'temperature'") });
  });

  it('names the array element a short payload cuts', () => {
    expect(codecError(() => layout.decode(new Uint8Array(16)))).toEqual({ message: "The payload is 16 bytes, too short: 'accel[2]' (f32be) needs bytes 14 to 17", offset: 14 });
  });

  it('names the field by its path inside a struct array', () => {
    const samples = compileLayout('struct samples[3] { u16 t; i16 v }');
    expect(codecError(() => samples.decode(new Uint8Array(7)))).toMatchObject({ message: expect.stringContaining("'samples[1].v' (i16be)"), offset: 6 });
  });

  it('says so when the payload ends inside trailing padding', () => {
    expect(codecError(() => compileLayout('u8 a\npad(4)').decode(new Uint8Array(3)))).toEqual({ message: 'The payload is 3 bytes, too short: pad(4) on line 2 needs bytes 1 to 4', offset: 1 });
  });

  it('shows the bytes after the layout as _rest, in hex, and encodes them back', () => {
    const small = compileLayout('u8 a');
    const decoded = small.decode(Uint8Array.from([1, 0xde, 0xad]));
    expect(decoded).toEqual({ a: 1, _rest: 'dead' });
    expect(hex(small.encode(decoded))).toBe('01dead');
  });

  it('cuts a long _rest (and then will not encode it)', () => {
    const small = compileLayout('u8 a');
    const decoded = small.decode(new Uint8Array(1 + MAX_REST_BYTES + 10));
    expect(decoded._rest).toBe('00'.repeat(MAX_REST_BYTES) + '…');
    expect(codecError(() => small.encode(decoded)).message).toMatch(/'_rest' was cut/);
  });
});

describe('binary layouts: encoding JSON refuses what the layout cannot hold', () => {
  const layout = compileLayout('u8 id; f32 v[2]; struct pos { i16 x }');
  it.each([
    ['a value that is not an object', [1, 2], 'The layout needs an object with its fields, not an array'],
    ['a missing field', { id: 1, v: [1, 2] }, "Missing field 'pos' (struct)"],
    ['an unknown field', { id: 1, v: [1, 2], pos: { x: 1, y: 2 } }, "Unknown field 'pos.y': the layout has 'x'"],
    ['a fraction in an integer', { id: 1.5, v: [1, 2], pos: { x: 1 } }, "'id' (u8) needs a whole number, not 1.5"],
    ['a negative unsigned', { id: -1, v: [1, 2], pos: { x: 1 } }, "'id' (u8) is out of range: -1, the range is 0 to 255"],
    ['an array of the wrong length', { id: 1, v: [1], pos: { x: 1 } }, "'v' (f32be[2]) needs an array of 2, not 1 items"],
    ['a word for a number', { id: 1, v: [1, 'fast'], pos: { x: 1 } }, `'v[1]' (f32be) needs a number, not "fast"`],
    ['a number for a struct', { id: 1, v: [1, 2], pos: 3 }, "'pos' needs an object with its fields, not 3"],
  ])('refuses %s, naming the field', (_name, value, message) => {
    expect(codecError(() => layout.encode(value)).message).toBe(message);
  });

  it('takes booleans as true/false or 1/0', () => {
    const flags = compileLayout('bool a; bool b');
    expect(hex(flags.encode({ a: true, b: 0 }))).toBe('0100');
    expect(codecError(() => flags.encode({ a: 'yes', b: false })).message).toBe(`'a' (bool) needs true or false, not "yes"`);
  });
});

describe('binary layouts: mistakes in the layout text, with line and column', () => {
  it.each([
    ['an unknown type', 'u8 a\nu17 b', { line: 2, column: 1, message: expect.stringMatching(/^Unknown type 'u17'\. Types: u8 i8/) }],
    ['a type from another language, with a hint', 'uint16 x', { line: 1, column: 1, message: expect.stringContaining("Unknown type 'uint16' (did you mean u16?)") }],
    ['a duplicate name', 'u8 a\n  u16 a', { line: 2, column: 7, message: "Duplicate field name 'a' (first on line 1)" }],
    ['a duplicate name inside a struct', 'struct s {\n u8 a; u8 a }', { line: 2, column: 11, message: "Duplicate field name 'a' (first on line 2)" }],
    ['a bad number', 'u8 a[10x]', { line: 1, column: 6, message: "Bad number '10x'" }],
    ['a zero-length array', 'u8 a[0]', { line: 1, column: 6, message: 'An array length must be a whole number from 1 to 65536, not 0' }],
    ['a fractional array length', 'u8 a[1.5]', { line: 1, column: 6, message: 'An array length must be a whole number from 1 to 65536, not 1.5' }],
    ['an array over the limit', 'u8 a[65537]', { line: 1, column: 6, message: 'An array length 65537 is over the limit of 65536' }],
    ['too many bits for the type', 'u8 a:bits(9)', { line: 1, column: 11, message: "'u8' holds at most 8 bits, not 9" }],
    ['a little-endian bit field', 'u16le a:bits(3)', { line: 1, column: 1, message: "A bit field's order is set by 'bitorder msb' (the default) or 'bitorder lsb', not a suffix: drop the 'le' of 'u16le'" }],
    ['a bad bit order', 'bitorder le', { line: 1, column: 10, message: "Expected 'msb' or 'lsb' after 'bitorder', found 'le'" }],
    ['a bit field of a float', 'f32 a:bits(3)', { line: 1, column: 6, message: "Only integers and bool can be bit fields, not 'f32'" }],
    ['a scale on text', 'char[4] a *2', { line: 1, column: 11, message: "Only numbers can be scaled, not 'char'" }],
    ['a scale of zero', 'u8 a *0', { line: 1, column: 7, message: 'A scale factor of 0 loses the value' }],
    ['text without a length', 'utf8 name', { line: 1, column: 1, message: "'utf8' needs a length, e.g. utf8[16] name" }],
    ['a length given twice', 'u8[2] a[3]', { line: 1, column: 8, message: 'Give the array length once, after the type or after the name' }],
    ['a missing name', 'u16be\ntemperature', { line: 1, column: 6, message: "Expected a field name after 'u16be', found the end of the line" }],
    ['two fields on one line', 'u8 a u8 b', { line: 1, column: 6, message: "Expected ';' or a new line after 'a', found 'u8'" }],
    ['an unclosed struct', 'struct s {\n  u8 a\n', { line: 3, column: 1, message: "Expected '}' to close struct 's' (opened on line 1)" }],
    ['a stray }', 'u8 a }', { line: 1, column: 6, message: "Unexpected '}': no struct is open" }],
    ['an empty struct', 'struct s { }', { line: 1, column: 8, message: "Struct 's' has no fields" }],
    ['the reserved name _rest', 'u8 _rest', { line: 1, column: 4, message: "'_rest' is reserved for the bytes after the layout" }],
    ['__proto__ as a name', 'u8 __proto__', { line: 1, column: 4, message: "'__proto__' cannot be a field name" }],
    ['a stray character', 'u8 a; @', { line: 1, column: 7, message: "Unexpected character '@'" }],
    ['a bad endian', 'endian middle', { line: 1, column: 8, message: "Expected 'le' or 'be' after 'endian', found 'middle'" }],
    ['an empty layout', '# nothing yet\n', { line: 1, column: 1, message: 'The layout has no fields' }],
  ])('reports %s', (_name, text, expected) => {
    expect(codecError(() => compileLayout(text))).toEqual(expected);
  });

  it('bounds a layout: at most 1 MiB of payload', () => {
    expect(compileLayout('bytes[65536] chunks[16]').size).toBe(MAX_LAYOUT_BYTES);
    expect(codecError(() => compileLayout('bytes[65536] chunks[16]\nu8 one_more'))).toEqual({
      line: 2, column: 1, message: "The layout is over the limit of 1048576 bytes at 'one_more'",
    });
    expect(codecError(() => compileLayout('struct s[65536] { bytes[17] b }'))).toMatchObject({ line: 1, column: 1, message: expect.stringContaining('over the limit') });
  });

  it('bounds a layout: at most 2^20 values and 16 levels of structs', () => {
    const bits = Array.from({ length: 17 }, (_, i) => `u8 b${i}:1`).join('; ');
    expect(codecError(() => compileLayout(`struct s[65536] { ${bits} }`))).toMatchObject({ line: 1, column: 1, message: "The layout has over 1048576 values at 's'" });
    const deep = (depth: number) => `${'struct s { '.repeat(depth)}u8 a${' }'.repeat(depth)}`;
    expect(compileLayout(deep(16)).size).toBe(1);
    expect(codecError(() => compileLayout(deep(17)))).toMatchObject({ line: 1, column: 177, message: 'Structs nest at most 16 deep' });
  });
});

describe('binary layouts: properties over many generated layouts', () => {
  // A fixed-seed generator (mulberry32), so a failure reproduces.
  function generator(seed: number) {
    let state = seed;
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const below = (n: number) => Math.floor(random() * n);
    const pick = <T,>(items: readonly T[]) => items[below(items.length)]!;
    return { random, below, pick };
  }

  /** Statements whose every bit is a value, so any payload decodes and encodes back unchanged. */
  function losslessLayout(g: ReturnType<typeof generator>, depth = 0): string {
    const types = ['u8', 'i8', 'u16', 'u16le', 'i16be', 'u24', 'i24le', 'u32le', 'i32', 'u64', 'i64le'];
    const lines: string[] = [];
    const count = 1 + g.below(5);
    for (let i = 0; i < count; i++) {
      const name = `f${depth}_${i}`;
      switch (g.below(5)) {
        case 0:
          lines.push(`${g.pick(types)} ${name}`);
          break;
        case 1:
          lines.push(`${g.pick(types)} ${name}[${1 + g.below(4)}]`);
          break;
        case 2:
          lines.push(`bytes[${1 + g.below(6)}] ${name}`);
          break;
        case 3: {
          // A run of bit fields that fills whole bytes: 8 or 16 bits split at random, either bit order.
          lines.push(g.pick(['bitorder lsb', 'bitorder msb']));
          let left = g.pick([8, 16]);
          let part = 0;
          while (left > 0) {
            const bits = 1 + g.below(Math.min(left, 8));
            lines.push(`${g.pick(['u8', 'i8', 'u16', 'i16'])} ${name}_${part++}:bits(${bits})`);
            left -= bits;
          }
          break;
        }
        default:
          if (depth < 2) lines.push(`struct ${name}${g.below(2) ? `[${1 + g.below(3)}]` : ''} {\n${losslessLayout(g, depth + 1)}\n}`);
          else lines.push(`u8 ${name}`);
      }
    }
    return lines.join(g.pick(['\n', '; ']));
  }

  /** What the app does with decoded values: JSON with 64-bit integers as digits (display-json's rule). */
  const asJson = (value: unknown) =>
    JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? (Number.isSafeInteger(Number(item)) ? Number(item) : item.toString()) : item))) as unknown;

  it('encodes the JSON of any decoded payload back to the same bytes', () => {
    const g = generator(42);
    for (let round = 0; round < 300; round++) {
      const text = losslessLayout(g);
      const layout = compileLayout(text);
      const bytes = Uint8Array.from({ length: layout.size + g.below(3) }, () => g.below(256));
      const decoded = layout.decode(bytes);
      expect(hex(layout.encode(asJson(decoded))), text).toBe(hex(bytes));
    }
  });

  it('reads every bit-field run as one big number would: MSB-first from the top of the big-endian bytes, LSB-first from the bottom of the little-endian ones', () => {
    const g = generator(99);
    for (let round = 0; round < 300; round++) {
      const lsb = g.below(2) === 1;
      const widths: number[] = [];
      let total = 0;
      while (total < 8 || g.below(3) > 0) {
        const bits = 1 + g.below(Math.min(64, 200 - total));
        widths.push(bits);
        total += bits;
        if (total > 150) break;
      }
      const text = `${lsb ? 'bitorder lsb\n' : ''}${widths.map((bits, i) => `u64 f${i}:bits(${bits})`).join('\n')}`;
      const bytes = Uint8Array.from({ length: Math.ceil(total / 8) }, () => g.below(256));
      // The reference: the run as one integer, fields cut from it with BigInt arithmetic.
      let whole = 0n;
      for (const byte of lsb ? [...bytes].reverse() : bytes) whole = (whole << 8n) | BigInt(byte);
      const expected: Record<string, bigint> = {};
      let at = 0;
      widths.forEach((bits, i) => {
        const shift = lsb ? at : bytes.length * 8 - at - bits;
        expected[`f${i}`] = (whole >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
        at += bits;
      });
      expect(compileLayout(text).decode(bytes), text).toEqual(expected);
    }
  });

  it('answers any text with a layout or a CodecError inside the text, never another error', () => {
    const g = generator(7);
    const pieces = ['u8', 'i16le', 'f32', 'char', 'bool', 'struct', 'pad', 'skip', 'endian', 'bitorder', 'lsb', 'le', 'x', 'y', 'bits', '[', ']', '(', ')', '{', '}', ':', ';', '\n', '*', '/', '+', '-', '0', '3', '8', '0.5', '70000', '#', '//', '@', '1e400'];
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: 1 + g.below(12) }, () => g.pick(pieces)).join(g.pick([' ', '']));
      try {
        compileLayout(text);
      } catch (error) {
        expect(error, text).toBeInstanceOf(CodecError);
        const { line = 0, column = 0 } = (error as CodecError).where;
        const lines = text.split('\n');
        expect(line, text).toBeGreaterThanOrEqual(1);
        expect(line, text).toBeLessThanOrEqual(lines.length);
        expect(column, text).toBeGreaterThanOrEqual(1);
        expect(column, text).toBeLessThanOrEqual(lines[line - 1]!.length + 1);
      }
    }
  });
});
