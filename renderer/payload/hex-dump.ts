const DIGITS = '0123456789abcdef';
const BYTES_PER_LINE = 16;

function hexByte(byte: number): string {
  return DIGITS[byte >> 4]! + DIGITS[byte & 15]!;
}

/**
 * A classic hex dump, 16 bytes a line: offset, the bytes in two groups of eight, and the printable
 * ASCII ('.' for the rest), e.g. `00000000  7b 22 61 22 3a 31 7d                             |{"a":1}|`.
 * Dumps at most `maxBytes` from the start.
 */
export function hexDump(bytes: Uint8Array, maxBytes = bytes.length): string {
  const end = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let offset = 0; offset < end; offset += BYTES_PER_LINE) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < BYTES_PER_LINE; i++) {
      if (i === 8) hex += ' ';
      const at = offset + i;
      if (at < end) {
        const byte = bytes[at]!;
        hex += hexByte(byte) + ' ';
        ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}
