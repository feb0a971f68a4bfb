import { existsSync, openSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerContext } from './context';
import { Journal, JOURNAL_FILE, message, type Rec, type Stored } from './journal';
import { longTimeout } from './long-timer';
import { Message } from './message';
import { NEVER_EXPIRES } from './options';
import { safely } from './safely';
import { Session, type Subscription } from './session';
import { endSession } from './session-store';
import { parseFilter } from './topic-rules';

/**
 * Opt-in persistence, at start: the journal (journal.ts) is read back into the broker, and compacted
 * into a fresh file holding only the current state, which the broker then writes on.
 */

interface SessionState {
  e: number;
  v: 3 | 4 | 5;
  u: string | undefined;
  subs: Map<string, Extract<Rec, { t: 'sub' }>>;
  msgs: Map<number, { rec: Extract<Rec, { t: 'msg' }>; pid?: number }>;
  /** Incoming QoS 2 ids that got PUBREC and await PUBREL. */
  in2: Set<number>;
}

/** Reads the journal in `dir` back into the broker, compacts it, and keeps it open for writing. */
export function openJournal(dir: string, ctx: BrokerContext): Journal {
  const file = join(dir, JOURNAL_FILE);
  const retained = new Map<string, Stored>();
  const sessions = new Map<string, SessionState>();
  if (existsSync(file)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let rec: Rec;
      try {
        rec = JSON.parse(line) as Rec;
      } catch {
        // a line cut by the kill: only the last one can be; anything else is damage worth saying
        if (i >= lines.length - 2) break;
        throw new Error(`${file}:${i + 1}: damaged persistence journal line`);
      }
      apply(rec, retained, sessions);
    }
  }
  // Compaction: the current state into a new file, atomically replacing the old one
  const fresh = `${file}.new`;
  const journal = new Journal(file, openSync(fresh, 'w', 0o600));
  const now = ctx.options.now();
  for (const s of retained.values()) {
    const msg = message(s, now);
    if (!msg) continue;
    ctx.retained.set(msg, ctx.options.maxRetainedMessages);
    journal.write({ t: 'ret', ...s });
  }
  for (const [clientId, state] of sessions) {
    if (state.e === 0) continue; // it was to end with its connection, which the restart closed
    const session = new Session(clientId, state.v);
    session.expiryInterval = state.e;
    session.username = state.u;
    session.persisted = true;
    ctx.sessions.set(clientId, session);
    journal.write({ t: 'ses', id: clientId, e: state.e, v: state.v, ...(state.u !== undefined ? { u: state.u } : {}) });
    for (const sub of state.subs.values()) {
      const parsed = parseFilter(sub.f, ctx.options.maxTopicLevels);
      const subscription: Subscription = {
        session,
        filter: sub.f,
        topicFilter: parsed.topicFilter,
        group: parsed.group,
        qos: sub.q,
        noLocal: sub.nl,
        retainAsPublished: sub.rap,
        retainHandling: sub.rh,
        subscriptionId: sub.sid,
      };
      session.ownSubscriptions().set(sub.f, subscription);
      ctx.trie.add(subscription);
      journal.write(sub);
    }
    for (const { rec, pid } of state.msgs.values()) {
      const msg = message(rec.m, now);
      if (!msg && pid === undefined) continue;
      const seq = journal.nextSequence();
      journal.write({ ...rec, n: seq });
      if (pid !== undefined && !session.inflight.has(pid)) {
        // PUBREL was sent: only PUBREL is owed, with the same id ([MQTT-4.3.3-6]), resent on resume
        journal.write({ t: 'rel', id: clientId, n: seq, pid });
        const placeholder = msg ?? new Message({ topic: rec.m.topic, payload: Buffer.alloc(0), qos: rec.dq, retain: false, origin: null, now });
        session.ownInflight().set(pid, { msg: placeholder, qos: rec.dq, retain: rec.dr, subscriptionIds: rec.ids, group: undefined, packetId: pid, stage: 2, sent: false, seq });
        continue;
      }
      if (msg) session.queue.push({ msg, qos: rec.dq, retain: rec.dr, subscriptionIds: rec.ids, seq });
    }
    for (const pid of state.in2) {
      session.ownIncomingQos2().add(pid);
      journal.write({ t: 'in2', id: clientId, pid, on: true });
    }
    // offline since the restart: its expiry counts from now
    session.disconnectedAt = now;
    if (state.e !== NEVER_EXPIRES) session.expiryTimer = longTimeout(() => safely('session expiry', () => endSession(ctx, session)), state.e * 1000, ctx.options.now, ctx.options.timers);
  }
  renameSync(fresh, file);
  return journal;
}

function apply(rec: Rec, retained: Map<string, Stored>, sessions: Map<string, SessionState>): void {
  switch (rec.t) {
    case 'ret': {
      const { t: _t, ...s } = rec;
      retained.set(rec.topic, s);
      return;
    }
    case 'unret':
      retained.delete(rec.topic);
      return;
    case 'ses': {
      const state = sessions.get(rec.id);
      if (state) {
        state.e = rec.e;
        state.v = rec.v;
        state.u = rec.u;
      } else sessions.set(rec.id, { e: rec.e, v: rec.v, u: rec.u, subs: new Map(), msgs: new Map(), in2: new Set() });
      return;
    }
    case 'end':
      sessions.delete(rec.id);
      return;
    case 'sub':
      sessions.get(rec.id)?.subs.set(rec.f, rec);
      return;
    case 'unsub':
      sessions.get(rec.id)?.subs.delete(rec.f);
      return;
    case 'msg':
      sessions.get(rec.id)?.msgs.set(rec.n, { rec });
      return;
    case 'rel': {
      const held = sessions.get(rec.id)?.msgs.get(rec.n);
      if (held) held.pid = rec.pid;
      return;
    }
    case 'done':
      sessions.get(rec.id)?.msgs.delete(rec.n);
      return;
    case 'in2': {
      const ids = sessions.get(rec.id)?.in2;
      if (rec.on) ids?.add(rec.pid);
      else ids?.delete(rec.pid);
      return;
    }
  }
}
