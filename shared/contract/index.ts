import type { z } from 'zod';
import { appContract } from './app';
import { brokerContract } from './broker';
import { connectionsContract } from './connections';
import type { Result } from './errors';
import { historyContract } from './history';
import { inspectorContract } from './inspector';
import { messagesContract } from './messages';
import { profilesContract } from './profiles';

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

/** The two primitives a transport must provide; everything else is generated from the contract. */
export interface TransportClient {
  invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>>;
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
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
  api.on = (channel: EventChannel, listener: (payload: unknown) => void) => client.on(channel, listener);
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
export { MENU_COMMANDS, type MenuCommand, UI_STATE_KEYS, UI_STATE_LIMITS } from './app';
