/**
 * Where in a .proto file a problem is, as 1-based line and column. protobufjs reports the line of a
 * syntax error in its message ("illegal token 'x' (file.proto, line 4)") but no column, and no line
 * at all for duplicate names, reserved numbers or types it cannot resolve. So the column is that of
 * the offending token searched on the reported line (the first whole-word occurrence; when it is not
 * there, the line before, since the tokenizer may have read ahead), and a problem without a line is
 * found by searching the declaration it names. Comments and strings are blanked out before searching,
 * so a word in a comment is never taken for the declaration.
 */

export interface Position {
  line: number;
  column: number;
}

/** The text with comments and string contents replaced by spaces (lines and columns unchanged). */
export function blankCommentsAndStrings(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i++) out += text[i] === '\n' ? '\n' : ' ';
    } else if (c === '"' || c === "'") {
      out += c;
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
          out += ' ';
          i++;
        }
        out += ' ';
        i++;
      }
      if (i < text.length && text[i] === c) {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tokenPattern(token: string): RegExp {
  const escaped = escapeRegExp(token);
  // Whole words for names and numbers; punctuation as it is.
  return /^[\w.]+$/.test(token) ? new RegExp(`(?<![\\w.])${escaped}(?![\\w])`, 'g') : new RegExp(escaped, 'g');
}

/** The 1-based column of `token` on 1-based `line` (of the raw text, so a string token is found too), or undefined. */
function columnOn(lines: string[], line: number, token: string): number | undefined {
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  const match = tokenPattern(token).exec(text);
  return match ? match.index + 1 : undefined;
}

/** Where `token` is, near the line protobufjs reported. */
export function locateToken(text: string, line: number, token: string | undefined): Position {
  const lines = text.split(/\r?\n/);
  if (token === undefined || token === '') return { line, column: 1 };
  for (let at = line; at >= Math.max(1, line - 3); at--) {
    const column = columnOn(lines, at, token);
    if (column !== undefined) return { line: at, column };
  }
  return { line, column: firstNonBlank(lines[line - 1] ?? '') };
}

function firstNonBlank(line: string): number {
  const match = /\S/.exec(line);
  return match ? match.index + 1 : 1;
}

/** The end of the text: where an "unexpected end of file" is. */
export function endOf(text: string): Position {
  const lines = text.split(/\r?\n/);
  let line = lines.length;
  while (line > 1 && lines[line - 1]!.trim() === '') line--;
  return { line, column: lines[line - 1]!.length + 1 };
}

function positionAt(text: string, index: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

/** The `nth` (0-based; the last one if fewer) match of `pattern` outside comments and strings; group 1's start when it has one. */
export function findPattern(text: string, pattern: RegExp, nth = 0): Position | undefined {
  const blank = blankCommentsAndStrings(text);
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let found: RegExpExecArray | undefined;
  let count = 0;
  for (let match = global.exec(blank); match; match = global.exec(blank)) {
    found = match;
    if (count++ === nth) break;
    if (match[0] === '') global.lastIndex++;
  }
  if (!found) return undefined;
  const index = found[1] !== undefined ? found.index + found[0].indexOf(found[1]) : found.index;
  return positionAt(text, index);
}

/** The declaration of `name`: a field (`name = 3`), an enum value, or a message/enum/service/oneof. */
export function findDeclaration(text: string, name: string, nth = 0): Position | undefined {
  const escaped = escapeRegExp(name);
  return findPattern(text, new RegExp(`(?:\\b(?:message|enum|service|oneof|extend)\\s+(${escaped})\\b|(?<![\\w.])(${escaped})\\s*=\\s*-?\\d)`), nth)
    ?? findPattern(text, new RegExp(`(?<![\\w.])(${escaped})(?!\\w)`), nth);
}

/** A field's declaration, `<type> name = id`: the position of `typeToken` on it when given. */
export function findField(text: string, name: string, id: number, typeToken?: string): Position | undefined {
  const at = findPattern(text, new RegExp(`(?<![\\w.])(${escapeRegExp(name)})\\s*=\\s*${id}(?!\\d)`));
  if (!at || typeToken === undefined) return at;
  const lines = text.split(/\r?\n/);
  const short = typeToken.replace(/^\./, '');
  const column = columnOn(lines, at.line, short) ?? columnOn(lines, at.line, short.slice(short.lastIndexOf('.') + 1));
  return column === undefined ? at : { line: at.line, column };
}

/** The `{` that is never closed, if any (for a file that ends inside a message). */
export function unclosedBrace(text: string): Position | undefined {
  const blank = blankCommentsAndStrings(text);
  const open: number[] = [];
  for (let i = 0; i < blank.length; i++) {
    if (blank[i] === '{') open.push(i);
    else if (blank[i] === '}') open.pop();
  }
  const index = open.at(-1);
  return index === undefined ? undefined : positionAt(text, index);
}

/** The `import "name"` statement's string (its opening quote), for a missing import. */
export function findImport(text: string, name: string): Position | undefined {
  const lines = text.split(/\r?\n/);
  const pattern = new RegExp(`^\\s*import\\s+(?:weak\\s+|public\\s+)?(["'])${escapeRegExp(name)}\\1`);
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { line: i + 1, column: match[0].length - name.length - 1 };
  }
  return undefined;
}
