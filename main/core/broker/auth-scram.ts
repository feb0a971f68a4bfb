import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EnhancedAuthenticator, EnhancedAuthMethod, EnhancedAuthStep } from './auth';
import { RC } from './codec/reason-codes';

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as an MQTT 5 enhanced authentication method. Credentials are
 * kept only as salted keys; unknown users run the same exchange with a fake salt and fail at the
 * end, so the exchange does not reveal which user names exist. No channel binding ("n" or "y").
 */
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

interface Credentials {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

function derive(password: string, salt: Buffer, iterations: number): Credentials {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
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

/** Builds the method from a user table (passwords are salted and hashed once, here). */
export function scramSha256(users: Record<string, string>, iterations = 4096): EnhancedAuthMethod {
  const table = new Map<string, Credentials>();
  for (const [name, password] of Object.entries(users)) table.set(name, derive(password, randomBytes(16), iterations));
  const decoy = derive(randomBytes(12).toString('hex'), randomBytes(16), iterations);

  return {
    name: SCRAM_SHA_256,
    create(): EnhancedAuthenticator {
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
            const found = table.get(username);
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
            if (!timingSafeEqual(sha256(clientKey), credentials.storedKey) || !known) return failed();
            const serverSignature = hmac(credentials.serverKey, authMessage);
            return { status: 'success', data: Buffer.from(`v=${serverSignature.toString('base64')}`), username };
          }
          return failed(RC.PROTOCOL_ERROR);
        },
      };
    },
  };
}
