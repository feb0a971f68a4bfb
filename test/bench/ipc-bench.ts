/**
 * `npm run bench -- ipc [--rounds N]`: what a message batch costs to cross Electron IPC, in Node
 * (Electron cannot run here). Electron's IPC serialises with V8's ValueSerializer, the same as
 * node:v8 serialize/deserialize, so each round is serialize + deserialize of 10,000 messages:
 * - structured clone: the batch as objects (what the IPC transport sent before);
 * - binary frame: encodeEventFrame, the frame cloned as one Uint8Array, decodeEventFrame (the
 *   contract's binary event, as main/electron/ipc-transport.ts sends it and the page decodes it).
 * Printed: the median per 10,000 messages of each, and their ratio. The page's side (deserialize,
 * decode) is printed apart too: it runs on the renderer's main thread, where the frame budget is.
 */
import { deserialize, serialize } from 'node:v8';
import { type LiveMessage, decodeEventFrame, encodeEventFrame } from '../../shared/contract';

const MESSAGES = 10_000;

function arg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

/** A batch like the firehose's: many topics, JSON payloads of `size` bytes, a few MQTT 5 properties. */
function batch(size: number): LiveMessage[] {
  return Array.from({ length: MESSAGES }, (_, i) => {
    const head = `{"seq":${i},"value":${(Math.sin(i / 50) * 100).toFixed(3)},"pad":"`;
    const text = head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '"}';
    const message: LiveMessage = {
      connectionId: 'c1',
      direction: 'in',
      topic: `bench/site-${Math.floor(i / 100) % 20}/device-${i % 100}/temp`,
      payload: Buffer.from(text),
      qos: (i % 2) as 0 | 1,
      retain: false,
      dup: false,
      timestamp: 1_764_000_000_000 + i,
      id: i,
    };
    if (i % 50 === 0) message.properties = { contentType: 'application/json', userProperties: [{ key: 'site', value: String(i % 20) }] };
    return message;
  });
}

interface Timing {
  /** Main process: serialize (and encode). */
  send: number;
  /** Page: deserialize (and decode). */
  receive: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(rounds: number, round: () => Timing): Timing {
  for (let i = 0; i < 3; i++) round(); // warm-up: JIT, allocation sites
  const sends: number[] = [];
  const receives: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const { send, receive } = round();
    sends.push(send);
    receives.push(receive);
  }
  return { send: median(sends), receive: median(receives) };
}

function structuredCloneRound(messages: LiveMessage[]): Timing {
  const t0 = performance.now();
  const bytes = serialize({ messages });
  const t1 = performance.now();
  const received = deserialize(bytes) as { messages: LiveMessage[] };
  const t2 = performance.now();
  if (received.messages.length !== messages.length) throw new Error('structured clone lost messages');
  return { send: t1 - t0, receive: t2 - t1 };
}

function binaryFrameRound(messages: LiveMessage[]): Timing {
  const t0 = performance.now();
  const bytes = serialize(encodeEventFrame('messages.batch', { messages }));
  const t1 = performance.now();
  const received = decodeEventFrame('messages.batch', deserialize(bytes) as Uint8Array);
  const t2 = performance.now();
  if (received.messages.length !== messages.length) throw new Error('the frame lost messages');
  return { send: t1 - t0, receive: t2 - t1 };
}

const ms = (n: number) => `${n.toFixed(2).padStart(7)} ms`;

export async function runIpcBench(args: string[]): Promise<void> {
  const rounds = arg(args, 'rounds', 15);
  console.log(`message batches over Electron IPC, modelled with node:v8 serialize/deserialize (Electron's IPC serialiser); median of ${rounds} rounds per ${MESSAGES.toLocaleString('en-US')} messages`);
  for (const size of [64, 1024]) {
    const messages = batch(size);
    // Same input for both, and a check that both carry the same batch.
    const viaFrame = decodeEventFrame('messages.batch', deserialize(serialize(encodeEventFrame('messages.batch', { messages }))) as Uint8Array).messages;
    if (viaFrame[MESSAGES - 1]!.topic !== messages[MESSAGES - 1]!.topic) throw new Error('the frame does not round-trip');
    const clone = measure(rounds, () => structuredCloneRound(messages));
    const frame = measure(rounds, () => binaryFrameRound(messages));
    const total = (t: Timing) => t.send + t.receive;
    console.log(
      `  ${String(size).padStart(4)} B payloads: structured clone ${ms(total(clone))} (main ${ms(clone.send)}, page ${ms(clone.receive)}) | ` +
        `binary frame ${ms(total(frame))} (main ${ms(frame.send)}, page ${ms(frame.receive)}) | ` +
        `clone/frame ${(total(clone) / total(frame)).toFixed(2)}x, page side ${(clone.receive / frame.receive).toFixed(2)}x`,
    );
  }
}
