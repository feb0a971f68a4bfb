/**
 * Variables in what is published: `{{now}}`, `{{now.iso}}`, `{{now.unix}}`, `{{uuid}}`, `{{seq}}`,
 * `{{random 1 100}}`, `{{randomFloat 20 25 2}}`, `{{pick "a" "b"}}` and the user's own `{{site}}`.
 * Pure (no Node, no DOM): the clock and randomness come in through the context, so tests are exact.
 * An unknown variable or a malformed tag is an error with its position, never a silent empty string.
 */

export interface VariableContext {
  /** `{{seq}}`: the caller's counter, one higher for each message sent. */
  seq?: number;
  /** The user's variables (an environment set): `{{site}}` → `berlin`. */
  variables?: Readonly<Record<string, string>>;
  /** Epoch milliseconds; Date.now by default. Read once per expansion, so `now` and `now.iso` agree. */
  now?: () => number;
  /** A number in [0, 1); Math.random by default. */
  random?: () => number;
  /** A v4 UUID; crypto.randomUUID (or getRandomValues) by default. */
  uuid?: () => string;
}

export interface VariableProblem {
  message: string;
  /** Zero-based offset in the text. */
  index: number;
  /** One-based. */
  line: number;
  /** One-based. */
  column: number;
}

export type ExpandResult = { ok: true; text: string } | { ok: false; problem: VariableProblem };

/** The built-in names; a user variable cannot take one. */
export const BUILT_IN_VARIABLES = ['now', 'now.iso', 'now.unix', 'uuid', 'seq', 'random', 'randomFloat', 'pick'] as const;

const NAME = /^[A-Za-z_][\w.-]*$/;
/** randomFloat rounds to at most this many decimals (what toFixed allows and more than a double holds). */
const MAX_DECIMALS = 15;

/** Whether the text has a `{{` tag (an escaped `\{{` does not count). */
export function hasVariables(text: string): boolean {
  return /(^|[^\\])\{\{/.test(text);
}

type Arg = { kind: 'number'; value: number; index: number } | { kind: 'string'; value: string; index: number };

class TagError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

function position(text: string, index: number): [line: number, column: number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, index - lineStart + 1];
}

/** Splits a tag's inside into its name and arguments (numbers or "double-quoted strings"). */
function parseTag(body: string, offset: number): { name: string; nameIndex: number; args: Arg[] } {
  let i = 0;
  const tokens: Arg[] = [];
  let name: string | null = null;
  let nameIndex = offset;
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= body.length) throw new TagError('Unterminated string in the variable', offset + start);
        const d = body[i];
        if (d === '\\' && i + 1 < body.length) {
          value += body[i + 1] ?? '';
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (name === null) throw new TagError('A variable starts with its name, not a string', offset + start);
      tokens.push({ kind: 'string', value, index: offset + start });
      continue;
    }
    while (i < body.length && !/\s/.test(body[i] ?? ' ') && body[i] !== '"') i++;
    const word = body.slice(start, i);
    if (name === null) {
      if (!NAME.test(word)) throw new TagError(`Not a variable name: "${word}"`, offset + start);
      name = word;
      nameIndex = offset + start;
    } else {
      const value = Number(word);
      if (word === '' || !Number.isFinite(value)) throw new TagError(`Not a number or a "quoted string": ${word}`, offset + start);
      tokens.push({ kind: 'number', value, index: offset + start });
    }
  }
  if (name === null) throw new TagError('Empty variable: write a name between {{ and }}', offset);
  return { name, nameIndex, args: tokens };
}

function numbers(name: string, args: Arg[], min: number, max: number, usage: string, tagIndex: number): [number, number, number?] {
  if (args.length < min || args.length > max) throw new TagError(`${name} takes ${usage}`, tagIndex);
  const values = args.map((arg) => {
    if (arg.kind !== 'number') throw new TagError(`${name} takes ${usage}: "${arg.value}" is not a number`, arg.index);
    return arg.value;
  });
  return [values[0] ?? 0, values[1] ?? 0, values[2]];
}

interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/** A v4 UUID from the runtime's crypto: randomUUID when present, else over getRandomValues. */
export function randomUuid(): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  if (!crypto?.getRandomValues) throw new Error('No crypto.getRandomValues in this runtime');
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Replaces every `{{…}}` tag in the text; `\{{` stands for a literal `{{`. */
export function expandVariables(text: string, context: VariableContext = {}): ExpandResult {
  const random = context.random ?? Math.random;
  let nowMs: number | undefined;
  const now = () => (nowMs ??= (context.now ?? Date.now)());
  let out = '';
  let i = 0;
  try {
    while (i < text.length) {
      const open = text.indexOf('{{', i);
      if (open < 0) {
        out += text.slice(i);
        break;
      }
      if (open > 0 && text[open - 1] === '\\') {
        out += text.slice(i, open - 1) + '{{';
        i = open + 2;
        continue;
      }
      out += text.slice(i, open);
      const close = text.indexOf('}}', open + 2);
      if (close < 0) throw new TagError('Unclosed {{: end the variable with }} (or write \\{{ for a literal {{)', open);
      const { name, nameIndex, args } = parseTag(text.slice(open + 2, close), open + 2);
      out += valueOf(name, nameIndex, args);
      i = close + 2;
    }
  } catch (error) {
    if (!(error instanceof TagError)) throw error;
    const [line, column] = position(text, error.index);
    return { ok: false, problem: { message: error.message, index: error.index, line, column } };
  }
  return { ok: true, text: out };

  function valueOf(name: string, at: number, args: Arg[]): string {
    const noArgs = () => {
      if (args[0]) throw new TagError(`${name} takes no arguments`, args[0].index);
    };
    switch (name) {
      case 'now':
        noArgs();
        return String(now());
      case 'now.iso':
        noArgs();
        return new Date(now()).toISOString();
      case 'now.unix':
        noArgs();
        return String(Math.floor(now() / 1000));
      case 'uuid':
        noArgs();
        return (context.uuid ?? randomUuid)();
      case 'seq':
        noArgs();
        if (context.seq === undefined) throw new TagError('seq has no value here', at);
        return String(context.seq);
      case 'random': {
        const [min, max] = numbers(name, args, 2, 2, 'two whole numbers: {{random 1 100}}', at);
        if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new TagError('random takes whole numbers: {{random 1 100}}', at);
        if (min > max) throw new TagError(`random: ${min} is above ${max}`, at);
        return String(min + Math.floor(random() * (max - min + 1)));
      }
      case 'randomFloat': {
        const [min, max, decimals = 2] = numbers(name, args, 2, 3, 'a minimum, a maximum and decimals: {{randomFloat 20 25 2}}', at);
        if (min > max) throw new TagError(`randomFloat: ${min} is above ${max}`, at);
        if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) throw new TagError(`randomFloat: decimals is a whole number from 0 to ${MAX_DECIMALS}`, at);
        return (min + random() * (max - min)).toFixed(decimals);
      }
      case 'pick': {
        if (args.length === 0) throw new TagError('pick takes one or more choices: {{pick "a" "b"}}', at);
        const chosen = args[Math.min(args.length - 1, Math.floor(random() * args.length))];
        return String(chosen?.value ?? '');
      }
      default: {
        const value = context.variables && Object.prototype.hasOwnProperty.call(context.variables, name) ? context.variables[name] : undefined;
        if (value === undefined) throw new TagError(`Unknown variable: ${name}`, at);
        noArgs();
        return value;
      }
    }
  }
}

export type ParsedVariables = { ok: true; variables: Record<string, string> } | { ok: false; problem: string };

/** The user's variables written one per line as `name=value` (blank lines and `#` comments skipped). */
export function parseUserVariables(text: string): ParsedVariables {
  const variables: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0) return { ok: false, problem: `Line ${n + 1}: write name=value` };
    if (!NAME.test(name)) return { ok: false, problem: `Line ${n + 1}: "${name}" is not a variable name (letters, digits, _ . -)` };
    if ((BUILT_IN_VARIABLES as readonly string[]).includes(name)) return { ok: false, problem: `Line ${n + 1}: ${name} is a built-in variable` };
    variables[name] = line.slice(eq + 1).trim();
  }
  return { ok: true, variables };
}
