/**
 * Avro for codec rules (issue 16): an `.avsc` schema compiled once with avsc (the reference JS
 * implementation: it checks the schema and writes datums), datums read by avro-reader (bounded,
 * with byte offsets), JSON written back for publishing by avro-json. Also Confluent's wire format.
 *
 * Shown values: records as objects, enums as symbols, bytes/fixed as Uint8Array, longs as exact
 * bigints, logical types as text (avro-logical-types), unions plain unless two branches look alike
 * (unionShowsPlain says why).
 */
import { Type } from 'avsc';
import { CodecError } from '../../../shared/codecs/codec-error';
import type { SchemaFile } from '../../../shared/contract/codec-rules';
import { avroValueFromJson, pointer } from './avro-json';
import { LOGICAL_TYPES, bigintLongHook } from './avro-logical-types';
import { createAvroReader, node } from './avro-reader';
import { SCHEMA_INVALID, locateString, parseSchemaJson } from './json-schema-source';

export interface AvroSchema {
  /** The top-level type's full name (`com.acme.Telemetry`), or its type for an unnamed one (`array`). */
  readonly name: string;
  /** Decodes one datum; the whole payload must be consumed. CodecError with the byte offset when it does not match. */
  decode(bytes: Uint8Array): unknown;
  /** Encodes a JSON value (as JSON.parse gives it, or as decode shows it). CodecError naming the path on a mismatch. */
  encode(value: unknown): Uint8Array;
}

/** Compiles an `.avsc` file. CodecError with line and column for bad JSON, with the message (and where it points) for an invalid schema. */
export function compileAvroSchema(file: SchemaFile): AvroSchema {
  const json = parseSchemaJson(file, 'Avro schema');
  let type: Type;
  try {
    // wrapUnions: avsc writes every union from {branch: value}, so avro-json says which branch is
    // meant and no value is ever matched to a branch by guessing.
    type = Type.forSchema(json as never, { wrapUnions: true, logicalTypes: LOGICAL_TYPES as never, typeHook: bigintLongHook as never, registry: {} });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CodecError(`Avro schema ${file.name} is not valid: ${message}`, { code: SCHEMA_INVALID, file: file.name, ...whereInSchema(file, message) }, { cause: error });
  }
  let read: (bytes: Uint8Array) => unknown;
  try {
    read = createAvroReader(type);
  } catch (error) {
    throw new CodecError(`Avro schema ${file.name} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { code: SCHEMA_INVALID, file: file.name }, { cause: error });
  }
  const root = node(type);
  return {
    name: root.name ?? root.branchName ?? root.typeName.replace(/^union:.*/, 'union'),
    decode: read,
    encode(value) {
      const avsc = avroValueFromJson(root, value);
      // avro-json checked every part; avsc's own check is the last word before it writes.
      let problem: string | undefined;
      const valid = type.isValid(avsc, {
        errorHook: (path: string[], any: unknown, part: Type) => {
          problem ??= `At ${pointer(path) || 'the root'}: avsc refuses ${typeof any === 'bigint' ? String(any) : (JSON.stringify(any) ?? String(any))} as ${node(part).typeName}`;
        },
      });
      if (!valid) throw new CodecError(problem ?? 'avsc refuses the value');
      try {
        const buffer = type.toBuffer(avsc);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        throw new CodecError(`Avro encoding failed: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
      }
    },
  };
}

/**
 * avsc's messages name the offending name or value (`undefined type name: Foo`, `unknown type:
 * "foo"`, `duplicate "E" symbol: "a"`): its first place in the file is very likely the spot.
 */
function whereInSchema(file: SchemaFile, message: string): { line?: number; column?: number } {
  const subject = /: "?([^"]*)"?$/.exec(message)?.[1];
  if (!subject) return {};
  // A duplicate is wrong where it appears the second time.
  const nth = message.startsWith('duplicate') ? 2 : 1;
  return locateString(file.text, subject, nth) ?? locateString(file.text, subject.slice(subject.lastIndexOf('.') + 1), nth) ?? {};
}

const CONFLUENT_MAGIC = 0;
const CONFLUENT_HEADER = 5;

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the datum. */
export function readConfluentFrame(bytes: Uint8Array): { schemaId: number; body: Uint8Array } {
  if (bytes.length < CONFLUENT_HEADER || bytes[0] !== CONFLUENT_MAGIC) {
    throw new CodecError(
      bytes.length < CONFLUENT_HEADER
        ? `Not in the Confluent wire format: ${bytes.length} bytes is shorter than its 5-byte header (byte 0, then a 4-byte schema id)`
        : `Not in the Confluent wire format: it starts with byte 0 (then a 4-byte schema id), this payload with 0x${bytes[0]!.toString(16).padStart(2, '0')}`,
      { offset: 0 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { schemaId: view.getUint32(1, false), body: bytes.subarray(CONFLUENT_HEADER) };
}

export function writeConfluentFrame(schemaId: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new CodecError(`A Confluent schema id is a 32-bit unsigned integer, not ${schemaId}`);
  const out = new Uint8Array(CONFLUENT_HEADER + body.length);
  out[0] = CONFLUENT_MAGIC;
  new DataView(out.buffer).setUint32(1, schemaId, false);
  out.set(body, CONFLUENT_HEADER);
  return out;
}
