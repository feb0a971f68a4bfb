import type { BrokerContext } from '../context';
import { emit } from '../events';
import type { Message } from '../message';

/** Stores (or, empty, deletes) a retained message within the store limit; refusals are counted. */
export function storeRetained(ctx: BrokerContext, msg: Message): void {
  const deleted = msg.payload.length === 0;
  if (ctx.retained.set(msg, ctx.options.maxRetainedMessages)) {
    ctx.journal?.retained(msg);
    emit(ctx, { type: 'retained.changed', topic: msg.topic, deleted });
  } else if (!deleted) ctx.counters.retainedRejected++;
}
