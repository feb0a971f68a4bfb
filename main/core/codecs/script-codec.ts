import type { SchemaFile } from '../../../shared/contract/codec-rules';
import { CodecError } from '../../../shared/codecs/codec-error';
import { toDisplayJson } from '../../../shared/codecs/display-json';
import { encodeUtf8 } from '../../../shared/codecs/utf8';
import { loadedQuickJs, quickJsLoadError } from '../scripts/quickjs-loader';
import { type ScriptCallResult, ScriptError, type ScriptFailure, type ScriptLimits, type ScriptMessage, compileUserScript } from '../scripts/script-sandbox';
import type { CompiledScript, ScriptMessageSource } from './codec-modules';

/** A script failure as a codec problem: the script's file name, line and column. */
function codecErrorOf(file: SchemaFile, failure: ScriptFailure): CodecError {
  return new CodecError(failure.message, { file: file.name, ...(failure.line !== undefined ? { line: failure.line } : {}), ...(failure.column !== undefined ? { column: failure.column } : {}) });
}

function scriptMessage(source: ScriptMessageSource | undefined): ScriptMessage {
  if (!source) return { topic: '' };
  return {
    topic: source.topic,
    ...(source.qos !== undefined ? { qos: source.qos } : {}),
    ...(source.retain !== undefined ? { retain: source.retain } : {}),
    // Correlation data and other bytes as the app's byte envelope: the script gets JSON only.
    ...(source.properties !== undefined ? { properties: toDisplayJson(source.properties) } : {}),
  };
}

function outputOf(file: SchemaFile, result: ScriptCallResult) {
  if (!result.ok) throw codecErrorOf(file, result.failure);
  return result.output;
}

function isByteArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isInteger(item) && (item as number) >= 0 && (item as number) <= 255);
}

/**
 * A script schema as a codec: compiled once into its own sandbox (main/core/scripts/), then
 * `decode` and `encode` called per message. The sandbox's WebAssembly module loads
 * asynchronously once per thread; until it has, this refuses with CODEC_FORMAT_UNAVAILABLE (not
 * cached by the rules, so the next message tries again).
 */
export function compileCodecScript(file: SchemaFile, limits?: Partial<ScriptLimits>): CompiledScript {
  const quickjs = loadedQuickJs();
  if (!quickjs) {
    const failed = quickJsLoadError();
    throw new CodecError(failed ? `The script sandbox could not start: ${failed.message}` : 'The script sandbox is still starting; scripts run in a moment', { code: 'CODEC_FORMAT_UNAVAILABLE' });
  }
  let script;
  try {
    script = compileUserScript(file.text, { quickjs, ...(limits ? { limits } : {}) });
  } catch (error) {
    if (error instanceof ScriptError) throw codecErrorOf(file, error.failure);
    throw error;
  }
  // A responder's respond() alone does not make a codec.
  if (!script.functions.has('decode') && !script.functions.has('encode')) {
    script.dispose();
    throw new CodecError('The script defines neither decode(payload, message) nor encode(value, message)', { file: file.name });
  }
  const user = script;
  return {
    functions: [...user.functions].filter((name) => name !== 'respond'),
    decode(bytes, message) {
      const output = outputOf(file, user.call('decode', { bytes }, scriptMessage(message)));
      if (output.kind === 'text') return { json: false, text: output.text };
      // Bytes back are shown in the app's byte envelope.
      return { json: true, value: output.kind === 'bytes' ? output.bytes : output.value };
    },
    encode(value, message) {
      const output = outputOf(file, user.call('encode', { value }, scriptMessage(message)));
      if (output.kind === 'bytes') return output.bytes;
      if (output.kind === 'text') return encodeUtf8(output.text);
      if (isByteArray(output.value)) return Uint8Array.from(output.value);
      throw new CodecError('encode() must return bytes (a Uint8Array, an ArrayBuffer or an array of numbers 0-255) or a string', { file: file.name });
    },
    dispose: () => user.dispose(),
  };
}
