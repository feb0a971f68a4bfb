import Long from 'long';
import protobuf from 'protobufjs';
import apiJson from 'protobufjs/google/protobuf/api.json';
import descriptorJson from 'protobufjs/google/protobuf/descriptor.json';
import sourceContextJson from 'protobufjs/google/protobuf/source_context.json';
import typeJson from 'protobufjs/google/protobuf/type.json';
import type { SchemaFile } from '../../../shared/contract/codec-rules';
import { CodecError } from '../../../shared/codecs/codec-error';
import { decodeForDisplay } from './protobuf-display';
import { InputProblem, editDistance, encodeMessage, messageFromJson } from './protobuf-json-input';
import { type Position, endOf, findDeclaration, findField, findImport, findPattern, locateToken, unclosedBrace } from './protobuf-locate';
import { type TypePlan, planOf } from './protobuf-plan';
import { WireProblem } from './protobuf-wire-check';

/**
 * Protobuf with the user's .proto files (issue 16): several files importing each other by name,
 * proto2, proto3 and edition 2023 (what protobufjs reads), compiled once into a root whose per-type
 * plans are reused for every payload. Nothing is read from the file system: an import is one of the
 * given files, or one of protobuf's well-known files, which are built in.
 */

export interface ProtobufSchema {
  /** Fully qualified message types, sorted (e.g. 'factory.Telemetry'), without a leading dot. */
  readonly messageTypes: string[];
  /** Decodes one message; throws CodecError({offset}) saying where decoding stopped. The value is for display. */
  decode(messageType: string, bytes: Uint8Array): unknown;
  /** Encodes a JSON value (as parsed from the user's text) as that type; throws CodecError naming the field path. */
  encode(messageType: string, value: unknown): Uint8Array;
}

// 64-bit fields must decode exactly: protobufjs finds long.js by itself when it can; make sure.
if (!protobuf.util.Long) {
  protobuf.util.Long = Long;
  protobuf.configure();
}

type NestedJson = { nested?: Record<string, protobuf.AnyNestedObject> };
const common = protobuf.common as unknown as Record<string, NestedJson>;

/** The files every schema may import without adding them; each with the bundled files it needs. */
const BUNDLED: Record<string, { json: NestedJson; needs: string[] }> = {
  'google/protobuf/any.proto': { json: common['google/protobuf/any.proto']!, needs: [] },
  'google/protobuf/duration.proto': { json: common['google/protobuf/duration.proto']!, needs: [] },
  'google/protobuf/timestamp.proto': { json: common['google/protobuf/timestamp.proto']!, needs: [] },
  'google/protobuf/empty.proto': { json: common['google/protobuf/empty.proto']!, needs: [] },
  'google/protobuf/struct.proto': { json: common['google/protobuf/struct.proto']!, needs: [] },
  'google/protobuf/wrappers.proto': { json: common['google/protobuf/wrappers.proto']!, needs: [] },
  'google/protobuf/field_mask.proto': { json: common['google/protobuf/field_mask.proto']!, needs: [] },
  'google/protobuf/descriptor.proto': { json: descriptorJson as NestedJson, needs: [] },
  'google/protobuf/source_context.proto': { json: sourceContextJson as NestedJson, needs: [] },
  'google/protobuf/type.proto': { json: typeJson as NestedJson, needs: ['google/protobuf/any.proto', 'google/protobuf/source_context.proto'] },
  'google/protobuf/api.proto': { json: apiJson as NestedJson, needs: ['google/protobuf/source_context.proto', 'google/protobuf/type.proto'] },
};

const parser = protobuf.parse as typeof protobuf.parse & { filename: string | null };

/** protobufjs reads these editions (7.5+: "2023"). */
const SUPPORTED_EDITIONS = ['2023'];

function normalizeName(name: string): string {
  return name.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/{2,}/g, '/');
}

function schemaError(message: string, file: string, at: Position | undefined, cause?: unknown): CodecError {
  return new CodecError(`${file}${at ? `:${at.line}:${at.column}` : ''}: ${message}`, { file, ...(at ?? {}) }, { cause });
}

/** The last `opening` (e.g. a comment's start) up to the end of 1-based `line`. */
function lastOpening(text: string, line: number, opening: string): Position | undefined {
  const lines = text.split(/\r?\n/);
  for (let at = Math.min(line, lines.length); at >= 1; at--) {
    const column = lines[at - 1]!.lastIndexOf(opening);
    if (column >= 0) return { line: at, column: column + 1 };
  }
  return undefined;
}

/** A protobufjs syntax error ("illegal token 'x' (file, line 4)") as a readable message with its position. */
function syntaxError(error: Error, file: SchemaFile): CodecError {
  const text = error.message;
  const lineMatch = /line (\d+)\)$/.exec(text);
  if (lineMatch && text.startsWith('illegal ')) {
    const line = Number(lineMatch[1]);
    const parts = /^illegal (\w+)(?: '([\s\S]*?)')?(?:, '([\s\S]*)' expected)? \(/.exec(text);
    const kind = parts?.[1] ?? 'token';
    const token = parts?.[2];
    const expected = parts?.[3];
    if (token === 'null' && kind === 'token') return schemaError(expected ? `the file ends where '${expected}' was expected` : 'unexpected end of file', file.name, endOf(file.text), error);
    let message: string;
    let at = locateToken(file.text, line, token);
    switch (kind) {
      case 'token':
        if (!expected && token === 'required') message = "'required' is not allowed here (proto3 and editions have no required fields)";
        else message = expected ? `expected '${expected}' but found '${token}'` : `unexpected '${token}'`;
        break;
      case 'string':
        message = 'a string is not closed on its line';
        at = locateToken(file.text, line, '"');
        break;
      case 'comment':
        message = 'a /* comment */ is never closed';
        at = lastOpening(file.text, line, '/*') ?? at;
        break;
      case 'id':
        message = `expected a field number, found '${token}'`;
        break;
      case 'syntax':
        message = `syntax "${token}" is not supported (use "proto2" or "proto3", or edition "2023")`;
        break;
      case 'edition':
        message = `edition "${token}" is not supported (this version reads proto2, proto3 and edition ${SUPPORTED_EDITIONS.join(', ')})`;
        break;
      default:
        message = `'${token}' is not a valid ${kind}`;
    }
    return schemaError(message, file.name, at, error);
  }
  // Errors protobufjs raises while building (no line in them): search the declaration they name.
  const duplicate = /^duplicate name '([^']+)' in/.exec(text);
  if (duplicate) return schemaError(`'${duplicate[1]}' is declared twice`, file.name, findDeclaration(file.text, duplicate[1]!, 1), error);
  const duplicateId = /^duplicate id (\d+) in (?:Type )?\.?([\w.]*)/.exec(text);
  if (duplicateId) {
    return schemaError(`field number ${duplicateId[1]} is used twice in ${duplicateId[2]}`, file.name, findPattern(file.text, new RegExp(`=\\s*(${duplicateId[1]})(?!\\d)`), 1), error);
  }
  const reserved = /^(?:id (\d+)|name '([^']+)') is reserved in/.exec(text);
  if (reserved) {
    const at = reserved[1] ? findPattern(file.text, new RegExp(`\\w\\s*=\\s*(${reserved[1]})(?!\\d)`)) : findDeclaration(file.text, reserved[2]!);
    return schemaError(`${reserved[1] ? `field number ${reserved[1]}` : `the name '${reserved[2]}'`} is reserved`, file.name, at, error);
  }
  // protobufjs fails on some truncated files with a TypeError: an unclosed '{' is the usual reason.
  const brace = unclosedBrace(file.text);
  if (brace) return schemaError(`the '{' at line ${brace.line} is never closed`, file.name, brace, error);
  return schemaError(text, file.name, endOf(file.text), error);
}

/** Names every reflection object made from `file` (protobufjs leaves `filename` unset when parsing text). */
function markFile(namespace: protobuf.NamespaceBase, file: string): void {
  for (const object of namespace.nestedArray) {
    object.filename ??= file;
    if (object instanceof protobuf.Type) {
      for (const field of object.fieldsArray) field.filename ??= file;
    }
    if (object instanceof protobuf.Namespace || object instanceof protobuf.Type) markFile(object, file);
  }
}

function allServices(namespace: protobuf.NamespaceBase, out: protobuf.Service[] = []): protobuf.Service[] {
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Service) out.push(object);
    else if (object instanceof protobuf.Namespace || object instanceof protobuf.Type) allServices(object, out);
  }
  return out;
}

function allTypes(namespace: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Type) out.push(object);
    if (object instanceof protobuf.Namespace || object instanceof protobuf.Type) allTypes(object, out);
  }
  return out;
}

/** After resolveAll failed: the field whose type is unknown, with its place in its file. */
function resolveError(error: Error, root: protobuf.Root, texts: Map<string, string>): CodecError {
  for (const type of allTypes(root)) {
    for (const field of [...type.fieldsArray, ...Object.values(type.nested ?? {}).filter((o): o is protobuf.Field => o instanceof protobuf.Field)]) {
      try {
        field.resolve();
      } catch (fieldError) {
        const file = field.filename ?? type.filename ?? '';
        const text = texts.get(file) ?? '';
        const typeName = field instanceof protobuf.MapField ? field.type : field.type;
        const at = findField(text, field.name, field.id, typeName);
        const message = fieldError instanceof Error && /^no such/.test(fieldError.message)
          ? `unknown type '${typeName}' (field '${field.name}' of ${type.fullName.slice(1)}): is it declared, and its file imported?`
          : `field '${field.name}' of ${type.fullName.slice(1)}: ${fieldError instanceof Error ? fieldError.message : String(fieldError)}`;
        return schemaError(message, file, at, fieldError);
      }
    }
  }
  for (const service of allServices(root)) {
    for (const method of service.methodsArray) {
      try {
        method.resolve();
      } catch (methodError) {
        const file = method.filename ?? service.filename ?? '';
        const text = texts.get(file) ?? '';
        const unknown = method.resolvedRequestType ? method.responseType : method.requestType;
        const at = findPattern(text, new RegExp(`\\brpc\\s+${method.name}\\s*\\(`));
        const located = at ? locateToken(text, at.line, unknown.replace(/^\./, '')) : undefined;
        return schemaError(`unknown type '${unknown}' (rpc ${method.name} of ${service.fullName.slice(1)}): is it declared, and its file imported?`, file, located, methodError);
      }
    }
  }
  // An extension of a type that is not there, or anything else: find the name it quotes.
  const quoted = /'(?:extend )?([\w.]+)'/.exec(error.message);
  if (quoted) {
    for (const [file, text] of texts) {
      const at = findPattern(text, new RegExp(`\\bextend\\s+(${quoted[1]!.replace(/\./g, '\\.')})\\b`)) ?? findDeclaration(text, quoted[1]!);
      if (at) return schemaError(/unresolvable extensions/.test(error.message) ? `'extend ${quoted[1]}': no such message (is its file imported?)` : error.message, file, at, error);
    }
  }
  const [first] = texts.keys();
  return schemaError(error.message, first ?? '', undefined, error);
}

function stackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

class CompiledSchema implements ProtobufSchema {
  readonly messageTypes: string[];
  private readonly types = new Map<string, protobuf.Type>();
  private readonly resolve = (fullName: string): TypePlan | undefined => {
    const type = this.types.get(fullName.replace(/^\./, ''));
    return type ? planOf(type) : undefined;
  };

  constructor(root: protobuf.Root, userFiles: Set<string>) {
    const listed: string[] = [];
    for (const type of allTypes(root)) {
      const name = type.fullName.slice(1);
      this.types.set(name, type);
      if (type.filename && userFiles.has(type.filename)) listed.push(name);
    }
    this.messageTypes = listed.sort();
  }

  /** By the name as callers spell it: a rule names its type once and decodes with it many times. */
  private readonly plans = new Map<string, TypePlan>();

  private plan(messageType: string): TypePlan {
    const known = this.plans.get(messageType);
    if (known) return known;
    // A type URL (`type.googleapis.com/factory.Telemetry`, as Any and some Content Types name it) names its last part.
    const type = this.types.get(messageType.trim().replace(/^.*\//, '').replace(/^\./, ''));
    if (type) {
      const plan = planOf(type);
      if (this.plans.size < 10_000) this.plans.set(messageType, plan);
      return plan;
    }
    throw new CodecError(`No message type '${messageType}' in this schema${this.suggest(messageType)}`);
  }

  private suggest(wanted: string): string {
    const lower = wanted.trim().replace(/^\./, '').toLowerCase();
    const simple = lower.slice(lower.lastIndexOf('.') + 1);
    const scored = this.messageTypes
      .map((name) => {
        const candidate = name.toLowerCase();
        const candidateSimple = candidate.slice(candidate.lastIndexOf('.') + 1);
        const score = candidateSimple === simple ? 0 : Math.min(editDistance(lower, candidate), editDistance(simple, candidateSimple) + 1);
        return { name, score };
      })
      .filter(({ score }) => score <= 3)
      .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
      .slice(0, 5)
      .map(({ name }) => name);
    if (scored.length > 0) return `; did you mean ${scored.join(', ')}?`;
    if (this.messageTypes.length === 0) return ' (it declares no messages)';
    const shown = this.messageTypes.slice(0, 10);
    return `; it has ${shown.join(', ')}${this.messageTypes.length > shown.length ? ` and ${this.messageTypes.length - shown.length} more` : ''}`;
  }

  decode(messageType: string, bytes: Uint8Array): unknown {
    const plan = this.plan(messageType);
    try {
      return decodeForDisplay(plan, bytes, 0, this.resolve);
    } catch (error) {
      if (error instanceof WireProblem) {
        const where = error.path.length > 0 ? `${error.path.join('.')}: ` : '';
        throw new CodecError(`Not a ${plan.fullName}: ${where}${error.message} at byte ${error.offset}`, { offset: error.offset }, { cause: error });
      }
      if (stackOverflow(error)) throw new CodecError(`Not a ${plan.fullName}: nested too deeply to decode`, {}, { cause: error });
      // Anything else still means "show the raw bytes", never a failed view.
      throw new CodecError(`Not a ${plan.fullName}: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
    }
  }

  encode(messageType: string, value: unknown): Uint8Array {
    const plan = this.plan(messageType);
    try {
      return encodeMessage(plan, messageFromJson(plan, value, '', 0, { resolve: this.resolve }));
    } catch (error) {
      if (error instanceof InputProblem) {
        throw new CodecError(`Cannot encode as ${plan.fullName}: ${error.path ? `${error.path}: ` : ''}${error.message}`, {}, { cause: error });
      }
      if (stackOverflow(error)) throw new CodecError(`Cannot encode as ${plan.fullName}: nested too deeply`, {}, { cause: error });
      throw new CodecError(`Cannot encode as ${plan.fullName}: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
    }
  }
}

/** Parses several .proto files with imports between them (resolved by name among `files`, plus google/protobuf well-known types built in). Throws CodecError({file,line,column}). */
export function compileProtobufSchema(files: SchemaFile[]): ProtobufSchema {
  if (files.length === 0) throw new CodecError('A protobuf schema needs at least one .proto file');
  const byName = new Map<string, SchemaFile>();
  for (const file of files) {
    const name = normalizeName(file.name);
    if (byName.has(name)) throw new CodecError(`Two files are named ${name}`, { file: file.name });
    // A byte order mark (editors on Windows add one) is not a token protobufjs knows.
    byName.set(name, { name: file.name, text: file.text.replace(/^\uFEFF/, '') });
  }
  const root = new protobuf.Root();
  const bundledAdded = new Set<string>();
  const addBundled = (name: string): void => {
    if (bundledAdded.has(name)) return;
    bundledAdded.add(name);
    const bundled = BUNDLED[name]!;
    for (const need of bundled.needs) if (!byName.has(need)) addBundled(need);
    root.addJSON(bundled.json.nested ?? {});
    markFile(root, name);
  };
  /** An import's file among the given ones: its exact name, else the one file whose path ends the same way (a file picker drops folders). */
  const findFile = (wanted: string): string | undefined => {
    const name = normalizeName(wanted);
    if (byName.has(name)) return name;
    // A well-known file is the built-in one unless the user added it under its own name: their acme/any.proto is not google/protobuf/any.proto.
    if (BUNDLED[name]) return undefined;
    const base = name.slice(name.lastIndexOf('/') + 1);
    const matches = [...byName.keys()].filter((candidate) => candidate === base || candidate.endsWith(`/${base}`) || name.endsWith(`/${candidate}`));
    const exactTail = matches.filter((candidate) => candidate.endsWith(`/${name}`) || name.endsWith(`/${candidate}`) || candidate === base);
    if (exactTail.length === 1) return exactTail[0];
    return matches.length === 1 ? matches[0] : undefined;
  };

  const texts = new Map<string, string>();
  for (const file of byName.values()) {
    texts.set(file.name, file.text);
    let parsed: protobuf.IParserResult;
    try {
      // Read by protobufjs' syntax errors ("illegal token 'x' (file.proto, line 3)").
      parser.filename = file.name;
      parsed = protobuf.parse(file.text, root, { keepCase: true, alternateCommentMode: true });
    } catch (error) {
      throw syntaxError(error instanceof Error ? error : new Error(String(error)), file);
    } finally {
      parser.filename = null;
    }
    markFile(root, file.name);
    for (const imported of parsed.imports ?? []) {
      if (findFile(imported)) continue;
      const name = normalizeName(imported);
      if (BUNDLED[name]) {
        addBundled(name);
        continue;
      }
      throw schemaError(`imports '${imported}', which is not among this schema's files: add it (as "${imported}")`, file.name, findImport(file.text, imported));
    }
    // A weak import may be missing (protoc allows it); when it is there it was parsed with the rest.
    for (const imported of parsed.weakImports ?? []) {
      const name = normalizeName(imported);
      if (!findFile(imported) && BUNDLED[name]) addBundled(name);
    }
  }
  try {
    root.resolveAll();
  } catch (error) {
    throw resolveError(error instanceof Error ? error : new Error(String(error)), root, texts);
  }
  return new CompiledSchema(root, new Set(texts.keys()));
}
