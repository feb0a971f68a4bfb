/**
 * What the workbench's live view needs to follow the broker's inside without polling: low-rate
 * lifecycle events only (never one per message; message rates come from `stats()` counters).
 */
export type BrokerEvent =
  | { type: 'client.connected'; clientId: string; protocolVersion: 3 | 4 | 5; remoteAddress: string; sessionPresent: boolean }
  | {
      type: 'client.disconnected';
      clientId: string;
      /** Who ended it: the client (DISCONNECT), the broker (with the reason code sent, if any), or the network. */
      by: 'client' | 'broker' | 'network';
      reasonCode: number | undefined;
    }
  | { type: 'session.ended'; clientId: string }
  | { type: 'subscription.added'; clientId: string; filter: string; qos: number }
  | { type: 'subscription.removed'; clientId: string; filter: string }
  | { type: 'retained.changed'; topic: string; deleted: boolean };

export type BrokerEventListener = (event: BrokerEvent) => void;

/** Calls every listener of the broker (`ctx`, or anything holding its listeners). */
export function emit(ctx: { readonly listeners: ReadonlySet<BrokerEventListener> }, event: BrokerEvent): void {
  if (ctx.listeners.size === 0) return;
  for (const listener of ctx.listeners) {
    try {
      listener(event);
    } catch {
      // a listener's failure is its own
    }
  }
}
