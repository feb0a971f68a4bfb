import type { BrokerContext } from './context';
import type { LongTimer } from './long-timer';
import { Message } from './message';
import { publishMessage } from './delivery/routing';

/** What `$SYS/broker/version` says (mosquitto: "mosquitto version 2.0.18"). */
export const SYS_VERSION = 'MQTT Workbench broker version 1';

/** mosquitto's load averages: 1, 5 and 15 minute windows (exponentially decayed, per minute). */
const LOAD_WINDOWS = [
  ['1min', 60],
  ['5min', 300],
  ['15min', 900],
] as const;

const LOADS = [
  ['messages/received', 'messagesIn'],
  ['messages/sent', 'messagesOut'],
  ['bytes/received', 'bytesIn'],
  ['bytes/sent', 'bytesOut'],
] as const;

/**
 * The `$SYS/broker/...` values of one moment, named as mosquitto names them, so a dashboard written for
 * mosquitto reads ours. Pure: `state` carries the load averages and the clients maximum between calls.
 */
export interface SysState {
  startedAt: number;
  lastAt: number;
  last: Record<(typeof LOADS)[number][1], number>;
  /** Decayed per-minute rates by `${name}/${window}`. */
  loads: Map<string, number>;
  clientsMaximum: number;
}

export function newSysState(now: number): SysState {
  return { startedAt: now, lastAt: now, last: { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 }, loads: new Map(), clientsMaximum: 0 };
}

export function sysValues(ctx: BrokerContext, state: SysState, now: number): Array<[string, string]> {
  let connected = 0;
  for (const connection of ctx.connections) if (connection.state === 'connected') connected++;
  if (connected > state.clientsMaximum) state.clientsMaximum = connected;
  let stored = ctx.retained.size;
  for (const session of ctx.sessions.values()) stored += session.queue.length + session.inflight.size;
  const c = ctx.counters;
  const out: Array<[string, string]> = [
    ['version', SYS_VERSION],
    ['uptime', `${Math.floor((now - state.startedAt) / 1000)} seconds`],
    ['clients/connected', String(connected)],
    ['clients/active', String(connected)],
    ['clients/disconnected', String(Math.max(0, ctx.sessions.size - connected))],
    ['clients/total', String(Math.max(ctx.sessions.size, connected))],
    ['clients/maximum', String(state.clientsMaximum)],
    ['messages/received', String(c.messagesIn)],
    ['messages/sent', String(c.messagesOut)],
    ['publish/messages/dropped', String(c.dropped)],
    ['bytes/received', String(c.bytesIn)],
    ['bytes/sent', String(c.bytesOut)],
    ['subscriptions/count', String(ctx.trie.size)],
    ['retained messages/count', String(ctx.retained.size)],
    ['store/messages/count', String(stored)],
    ['messages/stored', String(stored)],
  ];
  const elapsed = (now - state.lastAt) / 1000;
  for (const [name, counter] of LOADS) {
    const perMinute = elapsed > 0 ? ((c[counter] - state.last[counter]) * 60) / elapsed : 0;
    for (const [window, seconds] of LOAD_WINDOWS) {
      const key = `${name}/${window}`;
      // mosquitto's decay: the previous average weighs exp(-elapsed/window), this interval the rest
      const weight = Math.exp(-elapsed / seconds);
      const load = (state.loads.get(key) ?? 0) * weight + perMinute * (1 - weight);
      state.loads.set(key, load);
      out.push([`load/${key}`, load.toFixed(2)]);
    }
    state.last[counter] = c[counter];
  }
  state.lastAt = now;
  return out.map(([name, value]) => [`$SYS/broker/${name}`, value]);
}

/**
 * Publishes the `$SYS` tree every `sysInterval` seconds (mosquitto's sys_interval), retained as mosquitto
 * does, so a subscriber to `$SYS/#` gets the latest values at once. The first publication is one interval
 * after start; values that did not change since the last publication are not sent again (uptime always is).
 * Kept out of the journal and the retained.changed events: they are the broker's, not a client's.
 */
export function startSysTopics(ctx: BrokerContext): LongTimer | null {
  const interval = ctx.options.sysInterval;
  if (interval <= 0) return null;
  const state = newSysState(ctx.options.now());
  const sent = new Map<string, string>();
  return ctx.options.timers.setInterval(() => {
    if (ctx.closing) return;
    const now = ctx.options.now();
    for (const [topic, value] of sysValues(ctx, state, now)) {
      if (sent.get(topic) === value) continue;
      sent.set(topic, value);
      const msg = new Message({ topic, payload: Buffer.from(value), qos: 0, retain: true, origin: null, now });
      ctx.retained.set(msg);
      publishMessage(ctx, msg);
    }
  }, interval * 1000);
}
