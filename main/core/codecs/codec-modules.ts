import type { ContentEncoding, SchemaFile, SchemaViolation, TypedViewType } from '../../../shared/contract/codec-rules';
import { compileLayout } from '../../../shared/codecs/binary-layout';
import { imageInfo } from '../../../shared/codecs/image-info';
import { typedView } from '../../../shared/codecs/typed-view';
import { compileAvroSchema, readConfluentFrame, writeConfluentFrame } from './avro-schema';
import { compress, decompress } from './decompress';
import { compileJsonSchema } from './json-schema-check';
import { compileProtobufSchema } from './protobuf-schema';
import { compileCodecScript } from './script-codec';

/**
 * The pure codecs the rules are built from, each behind one function (all throw CodecError). A
 * format whose module is absent is refused with CODEC_FORMAT_UNAVAILABLE by the rules that name
 * it, never decoded by a stand-in. Injected, so a test can hand in exactly the modules it means.
 */
export interface CompiledProtobuf {
  messageTypes: string[];
  decode(messageType: string, bytes: Uint8Array): unknown;
  encode(messageType: string, value: unknown): Uint8Array;
}

export interface CompiledAvro {
  name: string;
  decode(bytes: Uint8Array): unknown;
  encode(value: unknown): Uint8Array;
}

export interface CompiledLayout {
  decode(bytes: Uint8Array): Record<string, unknown>;
  encode(value: unknown): Uint8Array;
}

/** What a script is told of the message it decodes or encodes (the sandbox gets a JSON copy). */
export interface ScriptMessageSource {
  topic: string;
  qos?: number | undefined;
  retain?: boolean | undefined;
  properties?: unknown;
}

export interface CompiledScript {
  /** Which of decode and encode the script defines. */
  functions: string[];
  decode(bytes: Uint8Array, message: ScriptMessageSource | undefined): { json: true; value: unknown } | { json: false; text: string };
  encode(value: unknown, message: ScriptMessageSource | undefined): Uint8Array;
  /** Frees the script's sandbox now (a check compiles and drops it); otherwise garbage collection does. */
  dispose(): void;
}

export interface ImageInfo {
  mime: string;
  width: number;
  height: number;
}

export interface CodecModules {
  decompress(bytes: Uint8Array, encoding: ContentEncoding, maxBytes?: number): Uint8Array;
  compress(bytes: Uint8Array, encoding: ContentEncoding): Uint8Array;
  protobuf?: (files: SchemaFile[]) => CompiledProtobuf;
  avro?: {
    compile(file: SchemaFile): CompiledAvro;
    readConfluentFrame(bytes: Uint8Array): { schemaId: number; body: Uint8Array };
    writeConfluentFrame(schemaId: number, body: Uint8Array): Uint8Array;
  };
  jsonSchema?: (file: SchemaFile) => (value: unknown) => SchemaViolation[];
  layout?: (text: string) => CompiledLayout;
  typedView?: (bytes: Uint8Array, type: TypedViewType, littleEndian: boolean) => (number | bigint)[];
  imageInfo?: (bytes: Uint8Array) => ImageInfo | null;
  /** A user script (schema kind javascript) in the sandbox. */
  script?: (file: SchemaFile) => CompiledScript;
}

/** Every codec the workbench has. */
export const CODEC_MODULES: CodecModules = {
  decompress,
  compress,
  protobuf: compileProtobufSchema,
  avro: { compile: compileAvroSchema, readConfluentFrame, writeConfluentFrame },
  jsonSchema: compileJsonSchema,
  layout: compileLayout,
  typedView,
  imageInfo,
  script: (file) => compileCodecScript(file),
};
