import { type CodecProblem, type DecodedPayload, MAX_DECOMPRESSED_BYTES, type SchemaViolation, type TypedViewType } from '../../../shared/contract/codec-rules';
import { CodecError, problemOf } from '../../../shared/codecs/codec-error';
import { decodeCbor, encodeCbor } from '../../../shared/codecs/cbor';
import { toDisplayJson } from '../../../shared/codecs/display-json';
import { HexError, decodeHex, encodeHex } from '../../../shared/codecs/hex';
import { jsonProblem } from '../../../shared/codecs/json';
import { decodeMsgpack, encodeMsgpack } from '../../../shared/codecs/msgpack';
import { decodeSparkplugB } from '../../../shared/codecs/sparkplug-b';
import { decodeUtf8Strict, encodeUtf8 } from '../../../shared/codecs/utf8';
import type { ScriptMessageSource } from './codec-modules';
import type { CompiledRule, RuleResources } from './compile-rules';
import { contentTypeParameters } from './rule-matcher';

export interface DecodeOptions {
  /** The message's MQTT 5 Content Type: `messageType=` names the Protobuf type for a protobuf rule. */
  contentType?: string | undefined;
  /** Longest text returned; longer is cut and flagged `truncated`. */
  maxChars?: number;
  /** Indented JSON (the detail view) instead of compact (the list, tree and plots). */
  pretty?: boolean;
  /** The message a script rule's decode(payload, message) is told about (topic, QoS, retain, properties). */
  message?: ScriptMessageSource | undefined;
}

export type EncodeOutcome = { ok: true; payload: Uint8Array } | { ok: false; problem: CodecProblem };

/** JSON Schema failures a payload carries, at most. */
export const MAX_VIOLATIONS = 10;
/** Bytes shown as hex when a payload does not decode. */
const HEX_PREVIEW_BYTES = 64;

/** A decoded value: JSON (a structure) or plain text, and for images what they are. */
type Decoded = { json: true; value: unknown; format?: string } | { json: false; text: string; format?: string; image?: DecodedPayload['image'] };

const IMAGE_NAMES: Record<string, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP' };

export function formatByteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function hexPreview(bytes: Uint8Array, maxChars: number): string {
  const shown = Math.min(bytes.length, HEX_PREVIEW_BYTES, Math.max(1, Math.floor((maxChars + 1) / 3)));
  return encodeHex(bytes.subarray(0, shown), ' ') + (bytes.length > shown ? ' …' : '');
}

function utf8OrThrow(bytes: Uint8Array): string {
  const text = decodeUtf8Strict(bytes);
  if (text === null) throw new CodecError('The payload is not valid UTF-8 text');
  return text;
}

function parseJsonPayload(bytes: Uint8Array): unknown {
  const text = utf8OrThrow(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = jsonProblem(text);
    throw new CodecError(`Not JSON: ${problem?.message ?? (error as Error).message}`, problem ? { line: problem.line, column: problem.column } : {});
  }
}

/** Today's guess without a rule: JSON when it parses, else UTF-8 text, else the bytes as hex. */
function guess(bytes: Uint8Array, maxChars: number): Decoded {
  const text = decodeUtf8Strict(bytes);
  if (text === null) return { json: false, text: encodeHex(bytes.subarray(0, Math.ceil(maxChars / 3)), ' '), format: 'raw' };
  if (/^\s*[[{"\d-]|^\s*(?:true|false|null)\s*$/.test(text)) {
    try {
      return { json: true, value: JSON.parse(text), format: 'json' };
    } catch {
      // Text that only looks like JSON.
    }
  }
  return { json: false, text, format: 'text' };
}

function decodeFormat(resources: RuleResources, entry: CompiledRule, bytes: Uint8Array, options: Required<Pick<DecodeOptions, 'maxChars'>> & DecodeOptions): Decoded {
  const format = entry.rule.format;
  const { modules } = resources;
  switch (format.kind) {
    case 'auto':
      return guess(bytes, options.maxChars);
    case 'json':
      return { json: true, value: parseJsonPayload(bytes) };
    case 'text':
      return { json: false, text: utf8OrThrow(bytes) };
    case 'cbor':
      return { json: true, value: decodeCbor(bytes) };
    case 'msgpack':
      return { json: true, value: decodeMsgpack(bytes) };
    case 'sparkplug':
      return { json: true, value: decodeSparkplugB(bytes) };
    case 'protobuf': {
      const named = options.contentType === undefined ? undefined : contentTypeParameters(options.contentType).get('messagetype');
      return { json: true, value: resources.protobuf(entry, format.schemaId).decode(named || format.messageType, bytes) };
    }
    case 'avro': {
      if (format.wire === 'datum') return { json: true, value: resources.avro(entry, format.schemaId).decode(bytes) };
      if (!modules.avro) throw new CodecError('Avro is not available in this build yet', { code: 'CODEC_FORMAT_UNAVAILABLE' });
      const { schemaId, body } = modules.avro.readConfluentFrame(bytes);
      // The registry id picks the schema the user mapped to it; a rule whose schema maps no id reads every frame with it.
      const mapped = resources.avroByRegistryId(entry, schemaId)?.compiled;
      const schema = mapped ?? (resources.registryIds(entry, format.schemaId).length === 0 ? resources.avro(entry, format.schemaId) : undefined);
      if (!schema) throw new CodecError(`No Avro schema is mapped to registry id ${schemaId}`, { offset: 1, code: 'CODEC_SCHEMA_UNKNOWN' });
      try {
        return { json: true, value: schema.decode(body) };
      } catch (error) {
        // Offsets in the datum are offsets in the payload after the 5-byte header.
        if (error instanceof CodecError && error.where.offset !== undefined) throw new CodecError(error.message, { ...error.where, offset: error.where.offset + 5 }, { cause: error });
        throw error;
      }
    }
    case 'layout':
      return { json: true, value: resources.layout(entry).decode(bytes) };
    case 'typed':
      if (!modules.typedView) throw new CodecError('Typed views are not available in this build yet', { code: 'CODEC_FORMAT_UNAVAILABLE' });
      return { json: true, value: modules.typedView(bytes, format.type, format.littleEndian) };
    case 'image': {
      if (!modules.imageInfo) throw new CodecError('Images are not available in this build yet', { code: 'CODEC_FORMAT_UNAVAILABLE' });
      const image = modules.imageInfo(bytes);
      if (!image) throw new CodecError('Not a PNG, JPEG, GIF or WebP image', { offset: 0 });
      const { mime, width, height } = image;
      return { json: false, text: `${IMAGE_NAMES[mime] ?? mime} ${width}×${height}, ${formatByteSize(bytes.byteLength)}`, image: { mime, width, height } };
    }
    case 'raw':
      return { json: false, text: encodeHex(bytes.subarray(0, Math.ceil(options.maxChars / 3)), ' ') };
    case 'script':
      return resources.script(entry, format.schemaId).decode(bytes, options.message);
  }
}

function cut(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  let end = maxChars;
  // Never half a surrogate pair.
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  return { text: text.slice(0, end), truncated: true };
}

/**
 * One payload through one rule: its content encoding undone (bounded: a zip bomb is refused),
 * then its format, then the JSON Schema check when the rule has one. Never throws: a payload that
 * does not decode comes back with `problem` and a short hex preview as its text.
 */
export function decodeWithRule(resources: RuleResources, entry: CompiledRule, payload: Uint8Array, options: DecodeOptions): DecodedPayload {
  const { rule } = entry;
  const maxChars = options.maxChars ?? Number.MAX_SAFE_INTEGER;
  const prefix = rule.encoding === 'none' ? '' : `${rule.encoding}+`;
  const base = { ruleId: rule.id, ruleName: rule.name };
  let bytes = payload;
  let decoded: Decoded;
  try {
    bytes = resources.modules.decompress(payload, rule.encoding, MAX_DECOMPRESSED_BYTES);
    decoded = decodeFormat(resources, entry, bytes, { ...options, maxChars });
  } catch (error) {
    return { ...base, format: prefix + rule.format.kind, text: hexPreview(payload, maxChars), json: false, problem: problemOf(error) };
  }
  const format = prefix + (decoded.format ?? rule.format.kind);
  if (!decoded.json) {
    const { text, truncated } = cut(decoded.text, maxChars);
    return { ...base, format, text, json: false, ...(truncated ? { truncated } : {}), ...(decoded.image ? { image: decoded.image } : {}) };
  }
  // 64-bit integers with every digit, bytes as the app's one envelope.
  const value = toDisplayJson(decoded.value);
  let invalid: SchemaViolation[] | undefined;
  if (rule.jsonSchemaId !== undefined) {
    try {
      const violations = resources.jsonSchema(entry, rule.jsonSchemaId)(value);
      if (violations.length > 0) invalid = violations.slice(0, MAX_VIOLATIONS);
    } catch (error) {
      return { ...base, format, text: hexPreview(payload, maxChars), json: false, problem: problemOf(error) };
    }
  }
  const { text, truncated } = cut(JSON.stringify(value, null, options.pretty ? 2 : undefined) ?? 'null', maxChars);
  return { ...base, format, text, json: true, ...(truncated ? { truncated } : {}), ...(invalid ? { invalid } : {}) };
}

function parseJsonText(text: string): unknown {
  const problem = jsonProblem(text);
  if (problem) throw new CodecError(`Not JSON: ${problem.message}`, { line: problem.line, column: problem.column });
  return JSON.parse(text) as unknown;
}

const TYPED_SIZES: Record<TypedViewType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float: 4, double: 8 };

/** A JSON array of numbers (64-bit ones may be strings, for every digit) as packed values of one type. */
function encodeTyped(value: unknown, type: TypedViewType, littleEndian: boolean): Uint8Array {
  if (!Array.isArray(value)) throw new CodecError(`A ${type} view is written as a JSON array of numbers`);
  const size = TYPED_SIZES[type];
  const out = new Uint8Array(value.length * size);
  const view = new DataView(out.buffer);
  value.forEach((item: unknown, index) => {
    const at = index * size;
    const wide = type === 'int64' || type === 'uint64';
    if (wide ? typeof item !== 'number' && typeof item !== 'string' && typeof item !== 'bigint' : typeof item !== 'number') {
      throw new CodecError(`Item ${index} is not a number`);
    }
    try {
      switch (type) {
        case 'int8': return view.setInt8(at, item as number);
        case 'uint8': return view.setUint8(at, item as number);
        case 'int16': return view.setInt16(at, item as number, littleEndian);
        case 'uint16': return view.setUint16(at, item as number, littleEndian);
        case 'int32': return view.setInt32(at, item as number, littleEndian);
        case 'uint32': return view.setUint32(at, item as number, littleEndian);
        case 'int64': return view.setBigInt64(at, BigInt(item as string), littleEndian);
        case 'uint64': return view.setBigUint64(at, BigInt(item as string), littleEndian);
        case 'float': return view.setFloat32(at, item as number, littleEndian);
        case 'double': return view.setFloat64(at, item as number, littleEndian);
      }
    } catch (error) {
      throw new CodecError(`Item ${index} is not a ${type}: ${(error as Error).message}`);
    }
  });
  return out;
}

function encodeFormat(resources: RuleResources, entry: CompiledRule, text: string, message: ScriptMessageSource | undefined): Uint8Array {
  const format = entry.rule.format;
  const { modules } = resources;
  switch (format.kind) {
    case 'auto':
    case 'text':
      return encodeUtf8(text);
    case 'json':
      parseJsonText(text);
      return encodeUtf8(text);
    case 'cbor':
      return encodeCbor(parseJsonText(text));
    case 'msgpack':
      return encodeMsgpack(parseJsonText(text));
    case 'sparkplug':
      throw new CodecError('Sparkplug B payloads are read here, not written: publish with a Protobuf rule and the Sparkplug B schema', { code: 'CODEC_FORMAT_UNAVAILABLE' });
    case 'protobuf':
      return resources.protobuf(entry, format.schemaId).encode(format.messageType, parseJsonText(text));
    case 'avro': {
      const body = resources.avro(entry, format.schemaId).encode(parseJsonText(text));
      if (format.wire === 'datum') return body;
      const [registryId] = resources.registryIds(entry, format.schemaId);
      if (registryId === undefined) throw new CodecError('The Confluent wire format needs a registry id: map one to the schema first', { code: 'CODEC_SCHEMA_UNKNOWN' });
      return modules.avro!.writeConfluentFrame(registryId, body);
    }
    case 'layout':
      return resources.layout(entry).encode(parseJsonText(text));
    case 'typed':
      return encodeTyped(parseJsonText(text), format.type, format.littleEndian);
    case 'image':
      throw new CodecError('An image is published from its file, not from text');
    case 'raw':
      try {
        return decodeHex(text);
      } catch (error) {
        if (error instanceof HexError) throw new CodecError(error.message, { column: error.position + 1 });
        throw error;
      }
    case 'script':
      return resources.script(entry, format.schemaId).encode(parseJsonText(text), message);
  }
}

/** Text (JSON for the structured formats) in, the bytes the rule's format makes of it, compressed as the rule says. Never throws. */
export function encodeWithRule(resources: RuleResources, entry: CompiledRule, text: string, message?: ScriptMessageSource): EncodeOutcome {
  try {
    return { ok: true, payload: resources.modules.compress(encodeFormat(resources, entry, text, message), entry.rule.encoding) };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}
