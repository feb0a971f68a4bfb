import { performance } from 'node:perf_hooks';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { MqttMessage, RequestParsed, ScriptRunOutput } from '../../../shared/contract';
import { toDisplayJson } from '../../../shared/codecs/display-json';
import { HexError, decodeHex, encodeHex } from '../../../shared/codecs/hex';
import { decodeUtf8Strict, encodeUtf8 } from '../../../shared/codecs/utf8';
import { type ScriptLimits, type ScriptMessage, ScriptError, compileUserScript } from '../scripts/script-sandbox';
import { ReplyError, buildReplies } from './responders/responder-replies';

type RunInput = RequestParsed<'automation.runScript'>;

/** The topic a sample is run against when the pane names none. */
export const SAMPLE_TOPIC = 'sample/topic';

/** What a script is told about a message beside its payload: JSON only (bytes in the app's byte envelope). */
export function requestScriptMessage(message: Pick<MqttMessage, 'topic' | 'qos' | 'retain' | 'properties'>): ScriptMessage {
  return {
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    ...(message.properties !== undefined ? { properties: toDisplayJson(message.properties) } : {}),
  };
}

class SampleError extends Error {}

function sampleBytes(input: RunInput): Uint8Array {
  if (input.payload) return input.payload;
  const { kind, text } = input.input;
  if (kind === 'hex') {
    try {
      return decodeHex(text);
    } catch (error) {
      if (error instanceof HexError) throw new SampleError(`The sample is not hex: ${error.message}`);
      throw error;
    }
  }
  if (kind === 'json') sampleValue(input);
  return encodeUtf8(text);
}

function sampleValue(input: RunInput): unknown {
  const { kind, text } = input.input;
  if (kind === 'text') return input.payload ? (decodeUtf8Strict(input.payload) ?? '') : text;
  if (kind === 'hex') throw new SampleError('encode() takes a value: give the sample as JSON or text');
  try {
    return JSON.parse(input.payload ? (decodeUtf8Strict(input.payload) ?? '') : text) as unknown;
  } catch (error) {
    throw new SampleError(`The sample is not JSON: ${(error as Error).message}`);
  }
}

function bytesView(bytes: Uint8Array) {
  const text = decodeUtf8Strict(bytes);
  return { hex: encodeHex(bytes, ' '), ...(text !== null ? { text } : {}) };
}

/**
 * Runs one function of a script once for the test pane, in a sandbox of its own with the same
 * limits live use has: the output, the lines it logged, and a failure with its line and column.
 * A responder's replies are built as they would be sent (default topic, correlation data), not sent.
 */
export function runScriptOnce(quickjs: QuickJSWASMModule, input: RunInput, limits?: Partial<ScriptLimits>): ScriptRunOutput {
  const started = performance.now();
  const took = () => Math.round((performance.now() - started) * 100) / 100;
  const message = { topic: input.message?.topic || SAMPLE_TOPIC, qos: input.message?.qos ?? 0, retain: input.message?.retain ?? false, ...(input.message?.properties ? { properties: input.message.properties } : {}) } satisfies Partial<MqttMessage>;
  let script;
  try {
    script = compileUserScript(input.source, { quickjs, ...(limits ? { limits } : {}) });
  } catch (error) {
    if (error instanceof ScriptError) return { ok: false, failure: error.failure, logs: error.logs, elapsedMs: took() };
    throw error;
  }
  try {
    let call;
    try {
      if (input.function === 'encode') call = script.call('encode', { value: sampleValue(input) }, requestScriptMessage(message));
      else call = script.call(input.function, { bytes: sampleBytes(input) }, requestScriptMessage(message));
    } catch (error) {
      if (error instanceof SampleError) return { ok: false, failure: { kind: 'input', message: error.message }, logs: [], elapsedMs: took() };
      throw error;
    }
    if (!call.ok) return { ok: false, failure: call.failure, logs: call.logs, elapsedMs: took() };
    const { output } = call;
    if (input.function === 'respond') {
      try {
        const replies = buildReplies(JSON.stringify(output.kind === 'json' ? output.value : null), { connectionId: 'test', request: message, seq: 1 });
        return {
          ok: true,
          output: {
            kind: 'replies',
            replies: replies.map((reply) => {
              const view = bytesView(reply.payload);
              return {
                topic: reply.topic,
                ...(view.text !== undefined ? { payloadText: view.text } : { payloadHex: view.hex }),
                qos: reply.qos,
                retain: reply.retain,
                ...(reply.properties ? { properties: toDisplayJson(reply.properties) as Record<string, unknown> } : {}),
              };
            }),
          },
          logs: call.logs,
          elapsedMs: took(),
        };
      } catch (error) {
        if (error instanceof ReplyError) return { ok: false, failure: { kind: 'reply', message: error.message }, logs: call.logs, elapsedMs: took() };
        throw error;
      }
    }
    if (output.kind === 'bytes') return { ok: true, output: { kind: 'bytes', ...bytesView(output.bytes) }, logs: call.logs, elapsedMs: took() };
    if (output.kind === 'text') return { ok: true, output, logs: call.logs, elapsedMs: took() };
    return { ok: true, output: { kind: 'json', value: toDisplayJson(output.value) }, logs: call.logs, elapsedMs: took() };
  } finally {
    script.dispose();
  }
}
