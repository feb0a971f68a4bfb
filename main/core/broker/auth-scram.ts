import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AuthHooks, type EnhancedAuthenticator, type EnhancedAuthMethod, type EnhancedAuthStep, usernamePasswordAuth } from './auth';
import { RC } from './codec/reason-codes';

/**
 * SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as MQTT 5 enhanced authentication
 * methods: every mechanism our engine offers (main/core/engine/scram.ts), so the two always agree.
 * Exchanges use only salted keys; unknown users run the same exchange with a fake salt and
 * fail at the end, so the exchange does not reveal which user names exist. No channel binding ("n" or "y").
 */
export const SCRAM_SHA_1 = 'SCRAM-SHA-1';
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
export const SCRAM_SHA_512 = 'SCRAM-SHA-512';
export type ScramMechanism = typeof SCRAM_SHA_1 | typeof SCRAM_SHA_256 | typeof SCRAM_SHA_512;

const HASHES: Record<ScramMechanism, { name: string; bytes: number }> = {
  [SCRAM_SHA_1]: { name: 'sha1', bytes: 20 },
  [SCRAM_SHA_256]: { name: 'sha256', bytes: 32 },
  [SCRAM_SHA_512]: { name: 'sha512', bytes: 64 },
};

interface Credentials {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface Hash {
  hmac(key: Buffer, text: string | Buffer): Buffer;
  digest(data: Buffer): Buffer;
  derive(password: string, salt: Buffer, iterations: number): Credentials;
}

function hashOf(mechanism: ScramMechanism): Hash {
  const { name, bytes } = HASHES[mechanism];
  const hmac = (key: Buffer, text: string | Buffer) => createHmac(name, key).update(text).digest();
  const digest = (data: Buffer) => createHash(name).update(data).digest();
  return {
    hmac,
    digest,
    derive(password, salt, iterations) {
      const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, bytes, name);
      return { salt, iterations, storedKey: digest(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
    },
  };
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

const failed = (reasonCode: number = RC.BAD_USER_NAME_OR_PASSWORD): EnhancedAuthStep => ({ status: 'failed', reasonCode });

/** SCRAM-SHA-256 from a user table (kept for existing callers; see scramMethod). */
export function scramSha256(users: Record<string, string>, iterations = 4096): EnhancedAuthMethod {
  return scramMethod(SCRAM_SHA_256, users, iterations);
}

/** Every SCRAM mechanism the engine offers, by name, from one user table (for `AuthHooks.methods`). */
export function scramMethods(users: Record<string, string>, iterations = 4096): Record<ScramMechanism, EnhancedAuthMethod> {
  return {
    [SCRAM_SHA_1]: scramMethod(SCRAM_SHA_1, users, iterations),
    [SCRAM_SHA_256]: scramMethod(SCRAM_SHA_256, users, iterations),
    [SCRAM_SHA_512]: scramMethod(SCRAM_SHA_512, users, iterations),
  };
}

/** Builds one mechanism from a user table (passwords are salted and hashed once, at its first exchange). */
export function scramMethod(mechanism: ScramMechanism, users: Record<string, string>, iterations = 4096): EnhancedAuthMethod {
  const { hmac, digest, derive } = hashOf(mechanism);
  // Salted once, on the first exchange of this mechanism: a broker whose clients never use it pays nothing
  let table: Map<string, Credentials> | null = null;
  let decoy: Credentials;
  const snapshot = Object.entries(users);

  return {
    name: mechanism,
    create(): EnhancedAuthenticator {
      if (!table) {
        table = new Map();
        for (const [name, password] of snapshot) table.set(name, derive(password, randomBytes(16), iterations));
        decoy = derive(randomBytes(12).toString('hex'), randomBytes(16), iterations);
      }
      const byName = table;
      let stage: 'first' | 'final' | 'done' = 'first';
      let credentials: Credentials = decoy;
      let known = false;
      let username = '';
      let clientFirstBare = '';
      let serverFirst = '';
      let nonce = '';
      let gs2Header = '';
      return {
        step(data: Buffer | undefined): EnhancedAuthStep {
          const text = data?.toString('utf8') ?? '';
          if (stage === 'first') {
            // gs2-header "n,," / "y,," (+ optional authzid), then "n=user,r=nonce"
            const first = text.indexOf(',');
            const second = first >= 0 ? text.indexOf(',', first + 1) : -1;
            if (second < 0 || (text[0] !== 'n' && text[0] !== 'y')) return failed(RC.BAD_AUTHENTICATION_METHOD);
            gs2Header = text.slice(0, second + 1);
            clientFirstBare = text.slice(second + 1);
            const attrs = attributes(clientFirstBare);
            const name = attrs.get('n');
            const clientNonce = attrs.get('r');
            if (name === undefined || !clientNonce) return failed(RC.BAD_AUTHENTICATION_METHOD);
            username = name.replace(/=2C/g, ',').replace(/=3D/g, '=');
            const found = byName.get(username);
            known = found !== undefined;
            credentials = found ?? decoy;
            nonce = clientNonce + randomBytes(18).toString('base64');
            serverFirst = `r=${nonce},s=${credentials.salt.toString('base64')},i=${credentials.iterations}`;
            stage = 'final';
            return { status: 'continue', data: Buffer.from(serverFirst) };
          }
          if (stage === 'final') {
            stage = 'done';
            const proofAt = text.lastIndexOf(',p=');
            if (proofAt < 0) return failed();
            const withoutProof = text.slice(0, proofAt);
            const attrs = attributes(text);
            if (attrs.get('c') !== Buffer.from(gs2Header).toString('base64') || attrs.get('r') !== nonce) return failed();
            const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
            const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
            const clientSignature = hmac(credentials.storedKey, authMessage);
            if (proof.length !== clientSignature.length) return failed();
            const clientKey = Buffer.alloc(proof.length);
            for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
            if (!timingSafeEqual(digest(clientKey), credentials.storedKey) || !known) return failed();
            const serverSignature = hmac(credentials.serverKey, authMessage);
            return { status: 'success', data: Buffer.from(`v=${serverSignature.toString('base64')}`), username };
          }
          return failed(RC.PROTOCOL_ERROR);
        },
      };
    },
  };
}

/**
 * A user table as the broker's way in: user name and password in CONNECT, or any SCRAM mechanism the
 * engine offers through the AUTH exchange (a SCRAM profile was refused with 0x8C without this).
 */
export function userTableAuth(users: Record<string, string>, allowAnonymous = false): AuthHooks {
  return { ...usernamePasswordAuth(users, allowAnonymous), methods: scramMethods(users) };
}
