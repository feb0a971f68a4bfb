import {
  type RequestChannel,
  type RequestOutput,
  type RequestParsed,
  type Result,
  WorkbenchFailure,
  fail,
  isRequestChannel,
  ok,
  requestSchema,
} from '../../../shared/contract';

export type RequestHandlers = {
  [C in RequestChannel]: (input: RequestParsed<C>) => Promise<RequestOutput<C>> | RequestOutput<C>;
};

export interface Dispatcher {
  /**
   * Validates an untrusted request against the contract and runs its handler. Never throws:
   * every failure comes back as `{ ok: false, error: { code, message } }`.
   */
  handle(channel: unknown, input: unknown): Promise<Result<unknown>>;
}

export function createDispatcher(handlers: RequestHandlers): Dispatcher {
  return {
    async handle(channel, input) {
      if (!isRequestChannel(channel)) {
        const name = typeof channel === 'string' ? channel.slice(0, 100) : typeof channel;
        return fail('UNKNOWN_CHANNEL', `Unknown request channel: ${name}`, undefined, { reason: 'unknownChannel', channel: name });
      }
      const parsed = requestSchema(channel).input.safeParse(input);
      if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        }));
        const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
        return fail('INVALID_REQUEST', `Invalid ${channel} request: ${summary}`, details, { reason: 'invalidRequest', channel });
      }
      try {
        const handler = handlers[channel] as (input: unknown) => unknown;
        return ok(await handler(parsed.data));
      } catch (error) {
        if (error instanceof WorkbenchFailure) return fail(error.code, error.message, undefined, error.params);
        console.error(`handler for ${channel} failed:`, error);
        const why = error instanceof Error ? error.message : String(error);
        return fail('INTERNAL', `Internal error in ${channel}: ${why}`, undefined, { reason: 'internal', channel, detail: why });
      }
    },
  };
}
