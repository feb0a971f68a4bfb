import { timingSafeEqual } from 'node:crypto';
import type { ProtocolVersion } from './codec/packets';

export interface ConnectCredentials {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  version: ProtocolVersion;
}

/** Outcome of an authentication hook: accept, or refuse with a reason mapped to each version's code. */
export type AuthResult = { ok: true } | { ok: false; reason: 'bad-credentials' | 'not-authorized' | 'unavailable' };

/** One step of an enhanced authentication exchange (spec 4.12). */
export type EnhancedAuthStep =
  | { status: 'continue'; data: Buffer }
  | { status: 'success'; data?: Buffer; username?: string }
  | { status: 'failed'; reasonCode: number };

/** The server side of one exchange: CONNECT's (or AUTH 0x19's) data first, then each AUTH 0x18. */
export interface EnhancedAuthenticator {
  step(data: Buffer | undefined): EnhancedAuthStep;
}

/** An Authentication Method the broker offers (e.g. SCRAM-SHA-256); `create` starts one exchange. */
export interface EnhancedAuthMethod {
  readonly name: string;
  create(): EnhancedAuthenticator;
}

/** Hooks the embedding app supplies; each may answer synchronously or with a promise. */
export interface AuthHooks {
  /** Enhanced authentication methods by name. Absent = none: a CONNECT asking for one gets 0x8C. */
  methods?: Record<string, EnhancedAuthMethod>;
  /** Called for every CONNECT (after its validation). Absent = everyone may connect. */
  authenticate?(credentials: ConnectCredentials): AuthResult | Promise<AuthResult>;
  /** Absent = every publication is allowed. Refusal: v5 PUBACK/PUBREC 0x87, 3.1.1 ack and drop (counted). */
  authorizePublish?(clientId: string, topic: string, username?: string): boolean;
  /** Absent = every subscription is allowed. Refusal: SUBACK 0x87 (3.1.1: 0x80), counted. */
  authorizeSubscribe?(clientId: string, filter: string, username?: string): boolean;
  /**
   * Absent = every subscriber gets every message its subscriptions match (nothing is checked on the
   * routing path). Refusal: that subscriber does not get that message (counted).
   */
  authorizeRead?(clientId: string, topic: string, username?: string): boolean;
}

/** Plain user name / password authentication over a fixed table, compared in constant time. */
export function usernamePasswordAuth(users: Record<string, string>, allowAnonymous = false): AuthHooks {
  return {
    authenticate({ username, password }) {
      if (username === undefined) return allowAnonymous && password === undefined ? { ok: true } : { ok: false, reason: 'bad-credentials' };
      const expected = Object.hasOwn(users, username) ? Buffer.from(users[username]!, 'utf8') : undefined;
      if (!expected || !password || expected.length !== password.length || !timingSafeEqual(expected, password)) {
        return { ok: false, reason: 'bad-credentials' };
      }
      return { ok: true };
    },
  };
}
