import { type CoreOptions, type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { ConnectionSummary, EventPayload, InspectedPacket, LiveMessage, RequestChannel, RequestOutput, Result } from '../../shared/contract';

/** A real workbench core plus a record of every event it emitted, for integration tests. */
export interface CoreHarness {
  core: WorkbenchCore;
  batches: LiveMessage[][];
  statuses: ConnectionSummary[];
  packets: InspectedPacket[];
  /** codecs.ruleProblem reports, in order. */
  ruleProblems: EventPayload<'codecs.ruleProblem'>[];
  /** Calls a channel through the dispatcher (validation included); throws on a failed Result. */
  call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>>;
  /** Calls a channel and returns the Result as is. */
  attempt(channel: RequestChannel, input: unknown): Promise<Result<unknown>>;
  received(): LiveMessage[];
  close(): Promise<void>;
}

export function createCoreHarness(options: Partial<CoreOptions> = {}): CoreHarness {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test', ...options });
  const batches: LiveMessage[][] = [];
  const statuses: ConnectionSummary[] = [];
  const packets: InspectedPacket[] = [];
  const ruleProblems: EventPayload<'codecs.ruleProblem'>[] = [];
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') batches.push((payload as { messages: LiveMessage[] }).messages);
    if (channel === 'connections.status') statuses.push(payload as ConnectionSummary);
    if (channel === 'codecs.ruleProblem') ruleProblems.push(payload as EventPayload<'codecs.ruleProblem'>);
    if (channel === 'inspector.packets') packets.push(...(payload as { packets: InspectedPacket[] }).packets);
  });
  return {
    core,
    batches,
    statuses,
    packets,
    ruleProblems,
    async call(channel, input) {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value as never;
    },
    attempt: (channel, input) => core.dispatcher.handle(channel, input),
    received: () => batches.flat().filter((m) => m.direction === 'in'),
    close: () => core.close(),
  };
}

export { waitFor } from './wait-for';
