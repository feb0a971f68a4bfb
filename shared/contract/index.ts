import type { z } from 'zod';
import { decodeMessageBatchFrame, encodeMessageBatchFrame, isMessageBatchFrame } from '../message-batch-frame';
import { type Base64Codec, defaultBase64 } from '../codecs/byte-envelope';
import { appContract } from './app';
import { automationContract } from './automation';
import { brokerContract } from './broker';
import { checksContract } from './checks';
import { codecsContract } from './codecs';
import { collectionsContract } from './collections';
import { connectionsContract } from './connections';
import type { Result } from './errors';
import { historyContract } from './history';
import { inspectorContract } from './inspector';
import { messagesContract } from './messages';
import { profilesContract } from './profiles';
import { scenariosContract } from './scenarios';
import { updatesContract } from './updates';

/**
 * The one contract both transports serve (Electron IPC and the browser-mode WebSocket).
 * Channel names derive from the keys: `<domain>.<name>`, e.g. `connections.connect`.
 * Add a domain here and it exists on both sides at once.
 */
export const contract = {
  app: appContract,
  connections: connectionsContract,
  messages: messagesContract,
  inspector: inspectorContract,
  profiles: profilesContract,
  history: historyContract,
  broker: brokerContract,
  codecs: codecsContract,
  collections: collectionsContract,
  scenarios: scenariosContract,
  checks: checksContract,
  automation: automationContract,
  updates: updatesContract,
} as const;

type Contract = typeof contract;
type Domain = keyof Contract;

type RequestsOf<D extends Domain> = Contract[D]['requests'];
type EventsOf<D extends Domain> = Contract[D]['events'];

export type RequestChannel = {
  [D in Domain]: `${D}.${Extract<keyof RequestsOf<D>, string>}`;
}[Domain];
export type EventChannel = {
  [D in Domain]: `${D}.${Extract<keyof EventsOf<D>, string>}`;
}[Domain];

type Split<C extends string> = C extends `${infer D}.${infer N}` ? [D, N] : never;
type RequestDef<C extends RequestChannel> = Split<C> extends [infer D extends Domain, infer N]
  ? N extends keyof RequestsOf<D>
    ? RequestsOf<D>[N]
    : never
  : never;
type EventDef<C extends EventChannel> = Split<C> extends [infer D extends Domain, infer N]
  ? N extends keyof EventsOf<D>
    ? EventsOf<D>[N]
    : never
  : never;

/** What a caller passes (defaults may be left out). */
export type RequestInput<C extends RequestChannel> = RequestDef<C> extends { input: z.ZodType }
  ? z.input<RequestDef<C>['input']>
  : never;
/** What a handler receives after validation (defaults filled in). */
export type RequestParsed<C extends RequestChannel> = RequestDef<C> extends { input: z.ZodType }
  ? z.output<RequestDef<C>['input']>
  : never;
export type RequestOutput<C extends RequestChannel> = RequestDef<C> extends { output: z.ZodType }
  ? z.output<RequestDef<C>['output']>
  : never;
export type EventPayload<C extends EventChannel> = EventDef<C> extends { payload: z.ZodType }
  ? z.output<EventDef<C>['payload']>
  : never;

export interface RequestSchema {
  input: z.ZodType;
  output: z.ZodType;
}

function listChannels(kind: 'requests' | 'events'): string[] {
  const names: string[] = [];
  for (const [domain, definition] of Object.entries(contract)) {
    for (const name of Object.keys(definition[kind])) names.push(`${domain}.${name}`);
  }
  return names;
}

export const REQUEST_CHANNELS = listChannels('requests') as RequestChannel[];
export const EVENT_CHANNELS = listChannels('events') as EventChannel[];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (REQUEST_CHANNELS as string[]).includes(value);
}
export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as string[]).includes(value);
}

export function requestSchema(channel: RequestChannel): RequestSchema {
  const [domain, name] = channel.split('.') as [Domain, string];
  return (contract[domain].requests as Record<string, RequestSchema>)[name]!;
}

/** The API the renderer is handed, whichever transport is underneath. */
export type WorkbenchApi = {
  [D in Domain]: {
    [N in Extract<keyof RequestsOf<D>, string>]: (
      input: RequestInput<`${D}.${N}` & RequestChannel>,
    ) => Promise<Result<RequestOutput<`${D}.${N}` & RequestChannel>>>;
  };
} & {
  /** Listens to one event channel; returns a disposer. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
};

/**
 * Events that cross every transport as one binary frame (a binary WebSocket frame; an ArrayBuffer
 * over Electron IPC) instead of JSON text or a structured clone of objects: the firehose. Decoding
 * the frame cost the page about a seventh of parsing the same batch as JSON, and structured clone
 * walks every message object the same way (`npm run bench -- ipc` measures both). The core side
 * encodes with `encodeEventFrame`; `createWorkbenchApi`, in the page, decodes, so a transport only
 * carries bytes and the fast path cannot exist on one side only.
 */
export type BinaryEventChannel = 'messages.batch';

interface BinaryEventCodec<C extends BinaryEventChannel> {
  encode(payload: EventPayload<C>, codec: Base64Codec): Uint8Array;
  decode(frame: Uint8Array, codec: Base64Codec): EventPayload<C>;
  /** True when a frame starts with this event's magic bytes. */
  matches(frame: Uint8Array): boolean;
}

const BINARY_EVENTS: { [C in BinaryEventChannel]: BinaryEventCodec<C> } = {
  'messages.batch': {
    encode: (payload, codec) => encodeMessageBatchFrame(payload.messages, codec),
    decode: (frame, codec) => decodeMessageBatchFrame(frame, codec),
    matches: isMessageBatchFrame,
  },
};

export function isBinaryEventChannel(channel: string): channel is BinaryEventChannel {
  return Object.hasOwn(BINARY_EVENTS, channel);
}

/** The one frame a binary event's payload travels as. */
export function encodeEventFrame<C extends BinaryEventChannel>(channel: C, payload: EventPayload<C>, codec: Base64Codec = defaultBase64): Uint8Array {
  return BINARY_EVENTS[channel].encode(payload, codec);
}

/** The binary event channel a frame belongs to (by its magic bytes), if any. */
export function binaryEventChannelOf(frame: Uint8Array): BinaryEventChannel | undefined {
  return (Object.keys(BINARY_EVENTS) as BinaryEventChannel[]).find((channel) => BINARY_EVENTS[channel].matches(frame));
}

/** The payload a binary event's frame carries; throws on anything that is not a well-formed frame. */
export function decodeEventFrame<C extends BinaryEventChannel>(channel: C, frame: ArrayBuffer | ArrayBufferView, codec: Base64Codec = defaultBase64): EventPayload<C> {
  const bytes = frame instanceof ArrayBuffer ? new Uint8Array(frame) : ArrayBuffer.isView(frame) ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : undefined;
  if (!bytes) throw new TypeError(`${channel} arrived as ${typeof frame}, not as a binary frame`);
  return BINARY_EVENTS[channel].decode(bytes, codec);
}

/**
 * The two primitives a transport must provide; everything else is generated from the contract.
 * For a binary event channel (`isBinaryEventChannel`) a transport hands `on`'s listener the frame's
 * bytes (`encodeEventFrame`), not the payload.
 */
export interface TransportClient {
  invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>>;
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

/**
 * Decodes binary events for the API's listeners: once per frame however many listen (a WeakMap
 * keyed by the frame), and a frame that does not decode is dropped, as a broken JSON frame is,
 * since the core only sends frames it encoded.
 */
function binaryEventListener(channel: BinaryEventChannel, listener: (payload: unknown) => void, decoded: WeakMap<object, unknown>) {
  return (frame: unknown) => {
    if (typeof frame !== 'object' || frame === null) return;
    let payload = decoded.get(frame);
    if (payload === undefined) {
      try {
        payload = decodeEventFrame(channel, frame as ArrayBuffer | ArrayBufferView);
      } catch {
        return;
      }
      decoded.set(frame, payload);
    }
    listener(payload);
  };
}

/** Builds the typed WorkbenchApi from the contract, so no channel is written by hand. */
export function createWorkbenchApi(client: TransportClient): WorkbenchApi {
  const api: Record<string, unknown> = {};
  for (const [domain, definition] of Object.entries(contract)) {
    const methods: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
    for (const name of Object.keys(definition.requests)) {
      const channel = `${domain}.${name}` as RequestChannel;
      methods[name] = (input: unknown) => client.invoke(channel, input);
    }
    api[domain] = methods;
  }
  const decoded = new WeakMap<object, unknown>();
  api.on = (channel: EventChannel, listener: (payload: unknown) => void) =>
    client.on(channel, isBinaryEventChannel(channel) ? binaryEventListener(channel, listener, decoded) : listener);
  return api as WorkbenchApi;
}

export * from './errors';
export * from './common';
export * from './connections';
export * from './messages';
export * from './mqtt5';
export * from './inspector';
export * from './profiles';
export * from './history';
export * from './limits';
export * from './broker';
export * from './codec-rules';
export * from './codecs';
export * from './collections';
export * from './scenarios';
export * from './checks';
export * from './automation';
export * from './updates';
export { MENU_COMMANDS, type MenuCommand, type SecretsProtectionInfo, UI_STATE_KEYS, UI_STATE_LIMITS, WINDOW_KINDS, type WindowKind, type WindowTarget, windowTargetSchema, secretsProtectionInfo } from './app';
