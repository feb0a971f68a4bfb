import { closeSync, writeSync } from 'node:fs';
import type { QoS } from './codec/packets';
import { Message } from './message';
import type { Pending, Session, Subscription } from './session';

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

export type Stored = { topic: string; p: string; q: QoS; r: boolean; f?: string; x?: number; o?: string | null };
export type Rec =
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

export function stored(msg: Message): Stored {
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

export function message(s: Stored, now: number): Message | null {
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

/** The journal being written (persistence.ts reads it back and compacts it at start). */
export class Journal {
  private nextSeq = 1;

  constructor(
    readonly file: string,
    private fd: number,
  ) {}

  /** The sequence number of the next message record (restored ones are numbered afresh). */
  nextSequence(): number {
    return this.nextSeq++;
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
