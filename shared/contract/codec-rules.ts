import { z } from 'zod';
import { topicFilter } from './common';

/**
 * Codec rules (issue 16): what the payloads of a topic are, so every view reads them the way the
 * device meant. A profile holds an ordered list, and so does the global default (after the
 * profile's); the first enabled rule whose filter (and content type, when it names one) matches a
 * message decodes it. No rule: the views guess as before (JSON, text or hex).
 *
 * Schemas are kept as the files' text, not paths, so an exported profile carries them.
 */

export const CONTENT_ENCODINGS = ['none', 'gzip', 'deflate', 'brotli'] as const;
export type ContentEncoding = (typeof CONTENT_ENCODINGS)[number];

/** Largest schema file kept (characters); a .proto tree or an .avsc is far smaller. */
export const MAX_SCHEMA_FILE_CHARS = 1024 * 1024;
/** Largest payload a rule decompresses to: beyond it a payload is refused as a likely zip bomb. */
export const MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/** Characters of decoded text a live message carries (the list, tree and plots read these). */
export const LIVE_DECODED_MAX_CHARS = 4096;

export const codecId = z
  .string()
  .min(1, 'An id is required')
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Ids are letters, digits, _ . and -');

export const schemaFile = z
  .object({
    /** As imports name it, e.g. `factory/telemetry.proto`. */
    name: z.string().min(1).max(300),
    text: z.string().max(MAX_SCHEMA_FILE_CHARS, 'A schema file may hold at most 1 MB'),
  })
  .strict();
export type SchemaFile = z.infer<typeof schemaFile>;

/** `javascript`: a user script defining `decode(payload, message)` and/or `encode(value, message)`, run in the sandbox (issue 17). */
export const SCHEMA_KINDS = ['protobuf', 'avro', 'json-schema', 'javascript'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

export const codecSchema = z
  .object({
    id: codecId,
    kind: z.enum(SCHEMA_KINDS),
    name: z.string().min(1).max(200),
    /** Protobuf: every .proto file, imports resolved between them by name. Avro, JSON Schema and JavaScript: one file. */
    files: z.array(schemaFile).min(1).max(100),
    /** Avro in the Confluent wire format: the schema registry ids that stand for this schema. */
    registryIds: z.array(z.number().int().nonnegative().max(0xffffffff)).max(1000).optional(),
  })
  .strict();
export type CodecSchema = z.infer<typeof codecSchema>;

/** Quick typed views of raw bytes (as MQTT Explorer has): one number type, read as an array. */
export const TYPED_VIEW_TYPES = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float', 'double'] as const;
export type TypedViewType = (typeof TYPED_VIEW_TYPES)[number];

export const codecFormat = z.discriminatedUnion('kind', [
  /** Today's guess (JSON, text or hex), after the rule's content encoding is undone. */
  z.object({ kind: z.literal('auto') }).strict(),
  z.object({ kind: z.literal('json') }).strict(),
  z.object({ kind: z.literal('text') }).strict(),
  z.object({ kind: z.literal('cbor') }).strict(),
  z.object({ kind: z.literal('msgpack') }).strict(),
  z.object({ kind: z.literal('sparkplug') }).strict(),
  /** A message type of a protobuf schema; `application/x-protobuf; messageType=X` may name another. */
  z.object({ kind: z.literal('protobuf'), schemaId: codecId, messageType: z.string().min(1).max(500) }).strict(),
  /** `datum`: the bare binary encoding; `confluent`: magic byte 0, a 4-byte registry id, the datum. */
  z.object({ kind: z.literal('avro'), schemaId: codecId, wire: z.enum(['datum', 'confluent']).default('datum') }).strict(),
  /** A packed struct in the layout language (shared/codecs/binary-layout.ts), e.g. `u16be temperature; f32le accel[3]`. */
  z.object({ kind: z.literal('layout'), layout: z.string().min(1).max(20_000) }).strict(),
  z.object({ kind: z.literal('typed'), type: z.enum(TYPED_VIEW_TYPES), littleEndian: z.boolean().default(false) }).strict(),
  /** PNG, JPEG, GIF or WebP, recognised by its magic bytes. */
  z.object({ kind: z.literal('image') }).strict(),
  /** Bytes shown as they are (hex), never guessed. */
  z.object({ kind: z.literal('raw') }).strict(),
  /**
   * A script (schema kind javascript) run in the sandbox: its `decode(payload, message)` returns
   * JSON or a string (text); its `encode(value, message)` gets the JSON typed for a publish and
   * returns bytes (Uint8Array, ArrayBuffer, an array of numbers) or a string (sent as UTF-8).
   */
  z.object({ kind: z.literal('script'), schemaId: codecId }).strict(),
]);
export type CodecFormat = z.infer<typeof codecFormat>;
export type CodecFormatKind = CodecFormat['kind'];

export const codecRule = z
  .object({
    id: codecId,
    name: z.string().max(200).default(''),
    enabled: z.boolean().default(true),
    /** MQTT topic filter, wildcards allowed. */
    filter: topicFilter,
    /** Also required, when set: the MQTT 5 Content Type before any `;` parameters (case-insensitive). */
    contentType: z.string().min(1).max(256).optional(),
    encoding: z.enum(CONTENT_ENCODINGS).default('none'),
    format: codecFormat,
    /** A JSON Schema (kind json-schema) the decoded value is checked against. */
    jsonSchemaId: codecId.optional(),
  })
  .strict();
export type CodecRule = z.output<typeof codecRule>;

export const MAX_CODEC_RULES = 200;
export const MAX_CODEC_SCHEMAS = 100;

/** What a profile (or the global default) holds. */
export const codecSettings = z
  .object({
    rules: z.array(codecRule).max(MAX_CODEC_RULES).default([]),
    schemas: z.array(codecSchema).max(MAX_CODEC_SCHEMAS).default([]),
  })
  .strict();
export type CodecSettings = z.output<typeof codecSettings>;

/** A problem in a schema or a payload, with where it is when known. */
export const codecProblem = z.object({
  message: z.string(),
  /**
   * Set when the problem is not in the bytes themselves: CODEC_FORMAT_UNAVAILABLE (this build has
   * no codec for the format yet), CODEC_SCHEMA_UNKNOWN (the rule names a schema that is not there),
   * CODEC_SCHEMA_INVALID (its schema does not compile).
   */
  code: z.enum(['CODEC_FORMAT_UNAVAILABLE', 'CODEC_SCHEMA_UNKNOWN', 'CODEC_SCHEMA_INVALID']).optional(),
  /** Schema problems: the file, 1-based line and column. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** Payload problems: the byte offset where decoding stopped. */
  offset: z.number().int().optional(),
});
export type CodecProblem = z.infer<typeof codecProblem>;

/** A JSON Schema failure: where in the value and which keyword. */
export const schemaViolation = z.object({ path: z.string(), keyword: z.string(), message: z.string() });
export type SchemaViolation = z.infer<typeof schemaViolation>;

/**
 * A payload as a rule decoded it. `text` is JSON when `json` is true (64-bit integers with every
 * digit, bytes as `{"$bytes": base64}`), else plain text (or a hex dump for `raw`). When decoding
 * failed, `problem` says why and where and the views show the raw bytes.
 */
export const decodedPayload = z.object({
  ruleId: z.string(),
  ruleName: z.string(),
  /** The format that decoded it, e.g. `protobuf`, with the content encoding first when there was one (`gzip+json`). */
  format: z.string(),
  text: z.string(),
  json: z.boolean(),
  /** Set when `text` is cut (live messages carry at most LIVE_DECODED_MAX_CHARS). */
  truncated: z.boolean().optional(),
  problem: codecProblem.optional(),
  /** JSON Schema failures (the first few); absent when valid or unchecked. */
  invalid: z.array(schemaViolation).optional(),
  image: z.object({ mime: z.string(), width: z.number().int(), height: z.number().int() }).optional(),
});
export type DecodedPayload = z.infer<typeof decodedPayload>;
