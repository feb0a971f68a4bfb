import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { QoS } from './codec/packets';
import type { BrokerContext } from './context';
import { longTimeout } from './long-timer';
import { Message } from './message';
import { NEVER_EXPIRES } from './options';
import { safely } from './safely';
import { type Pending, Session, type Subscription } from './session';
import { endSession } from './session-store';
import { parseFilter } from './topic-rules';

/**
 * Opt-in persistence (`persistence true` / `persistenceDir`): retained messages and the sessions that
 * outlive their connection (Session Expiry > 0, 3.1.1 CleanSession 0) with their subscriptions and
 * their queued and unacknowledged QoS 1/2 messages survive a restart, kill -9 included.
 *
 * A journal of JSON lines, each written with one write() before the broker acts on it (so before the
 * PUBACK of a message it holds for a session): a killed process loses nothing it acknowledged. The
 * operating system keeps what was written (no fsync per record: power loss is not covered). At start
 * the journal is read back, and compacted into a fresh file holding only the current state.
 */
export const JOURNAL_FILE = 'workbench-broker.journal';

type Stored = { topic: string; p: string; q: QoS; r: boolean; f?: string; x?: number; o?: string | null };
type Rec =
  | ({ t: 'ret' } & Stored)
  | { t: 'unret'; topic: string }
  | { t: 'ses'; id: string; e: number; v: 3 | 4 | 5; u?: string }
  | { t: 'end'; id: string }
  | { t: 'sub'; id: string; f: string; q: QoS; nl: boolean; rap: boolean; rh: 0 | 1 | 2; sid?: number }
  | { t: 'unsub'; id: string; f: string }
  | { t: 'msg'; id: string; n: number; m: Stored; dq: QoS; dr: boolean; ids?: number[] }
  | { t: 'rel'; id: string; n: number; pid: number }
  | { t: 'done'; id: string; n: number }
  | { t: 'in2'; id: string; pid: number; on: boolean };

function stored(msg: Message): Stored {
  return {
    topic: msg.topic,
    p: msg.payload.toString('base64'),
    q: msg.qos,
    r: msg.retain,
    ...(msg.forward.length > 0 ? { f: msg.forward.toString('base64') } : {}),
    ...(msg.expiresAt !== 0 ? { x: msg.expiresAt } : {}),
    ...(msg.origin !== null ? { o: msg.origin } : {}),
  };
}

function message(s: Stored, now: number): Message | null {
  if (s.x !== undefined && s.x <= now) return null; // expired while the broker was down
  return new Message({
    topic: s.topic,
    payload: Buffer.from(s.p, 'base64'),
    qos: s.q,
    retain: s.r,
    ...(s.f !== undefined ? { forward: Buffer.from(s.f, 'base64') } : {}),
    ...(s.x !== undefined ? { expiryInterval: (s.x - now) / 1000 } : {}),
    origin: s.o ?? null,
    now,
  });
}

interface SessionState {
  e: number;
  v: 3 | 4 | 5;
  u: string | undefined;
  subs: Map<string, Extract<Rec, { t: 'sub' }>>;
  msgs: Map<number, { rec: Extract<Rec, { t: 'msg' }>; pid?: number }>;
  /** Incoming QoS 2 ids that got PUBREC and await PUBREL. */
  in2: Set<number>;
}

export class Journal {
  private fd: number;
  private nextSeq = 1;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Reads the journal in `dir` back into the broker, compacts it, and keeps it open for writing. */
  static open(dir: string, ctx: BrokerContext): Journal {
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
    const journal = new Journal(file, -1);
    // Compaction: the current state into a new file, atomically replacing the old one
    const fresh = `${file}.new`;
    const fd = openSync(fresh, 'w', 0o600);
    journal.fd = fd;
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
        const seq = journal.nextSeq++;
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
      if (state.e !== NEVER_EXPIRES) session.expiryTimer = longTimeout(() => safely('session expiry', () => endSession(ctx, session)), state.e * 1000, ctx.options.now);
    }
    renameSync(fresh, file);
    return journal;
  }

  write(rec: Rec): void {
    writeSync(this.fd, `${JSON.stringify(rec)}\n`);
  }

  retained(msg: Message): void {
    if (msg.payload.length === 0) this.write({ t: 'unret', topic: msg.topic });
    else this.write({ t: 'ret', ...stored(msg) });
  }

  /** A session that outlives its connection (or stops doing so): recorded, and from now on its state too. */
  session(session: Session): void {
    if (session.expiryInterval === 0 && !session.persisted) return;
    session.persisted = true;
    this.write({ t: 'ses', id: session.clientId, e: session.expiryInterval, v: session.version, ...(session.username !== undefined ? { u: session.username } : {}) });
  }

  ended(session: Session): void {
    this.write({ t: 'end', id: session.clientId });
  }

  subscribed(session: Session, s: Subscription): void {
    this.write({ t: 'sub', id: session.clientId, f: s.filter, q: s.qos, nl: s.noLocal, rap: s.retainAsPublished, rh: s.retainHandling, ...(s.subscriptionId !== undefined ? { sid: s.subscriptionId } : {}) });
  }

  unsubscribed(session: Session, filter: string): void {
    this.write({ t: 'unsub', id: session.clientId, f: filter });
  }

  /** A QoS 1/2 message the session now holds (queued or sent): it is kept until `done`. */
  holds(session: Session, pending: Pending): void {
    if (pending.seq !== undefined) return;
    pending.seq = this.nextSeq++;
    this.write({ t: 'msg', id: session.clientId, n: pending.seq, m: stored(pending.msg), dq: pending.qos, dr: pending.retain, ...(pending.subscriptionIds ? { ids: pending.subscriptionIds } : {}) });
  }

  released(session: Session, seq: number, packetId: number): void {
    this.write({ t: 'rel', id: session.clientId, n: seq, pid: packetId });
  }

  done(session: Session, seq: number): void {
    this.write({ t: 'done', id: session.clientId, n: seq });
  }

  /** An incoming QoS 2 id now awaiting PUBREL (true), or released by it (false). */
  incoming(session: Session, packetId: number, awaiting: boolean): void {
    this.write({ t: 'in2', id: session.clientId, pid: packetId, on: awaiting });
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
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
