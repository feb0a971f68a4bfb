import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** SCRAM (RFC 5802, RFC 7677) client side, as carried by MQTT 5 enhanced authentication (4.12). */
export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const HASHES: Record<ScramMechanism, { name: string; bytes: number }> = {
  'SCRAM-SHA-1': { name: 'sha1', bytes: 20 },
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

/** Usernames escape ',' and '=' (RFC 5802 5.1). Full SASLprep is not applied: ASCII names are exact. */
function escapeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) attributes.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return attributes;
}

export class ScramError extends Error {
  override readonly name = 'ScramError';
}

export interface ScramClient {
  /** client-first-message, sent as Authentication Data in CONNECT. */
  clientFirst(): Buffer;
  /** Takes server-first-message (AUTH 0x18), returns client-final-message. */
  clientFinal(serverFirst: Buffer): Buffer;
  /** Checks server-final-message (Authentication Data in CONNACK): proves the server knew the password. */
  verifyServerFinal(serverFinal: Buffer): void;
}

export function createScramClient(mechanism: ScramMechanism, username: string, password: string, nonce = randomBytes(18).toString('base64')): ScramClient {
  const hash = HASHES[mechanism];
  const clientFirstBare = `n=${escapeName(username)},r=${nonce}`;
  let expectedServerSignature: Buffer | null = null;
  const hmac = (key: Buffer, data: string) => createHmac(hash.name, key).update(data).digest();

  return {
    clientFirst: () => Buffer.from(`n,,${clientFirstBare}`),

    clientFinal(serverFirstBytes) {
      const serverFirst = serverFirstBytes.toString('utf8');
      const attributes = parseAttributes(serverFirst);
      if (attributes.has('e')) throw new ScramError(`The server refused SCRAM: ${attributes.get('e')}`);
      const combinedNonce = attributes.get('r');
      const salt = attributes.get('s');
      const iterations = Number(attributes.get('i'));
      if (!combinedNonce || !salt || !Number.isInteger(iterations) || iterations < 1) {
        throw new ScramError('The server-first SCRAM message is malformed');
      }
      // The server must extend our nonce, not replace it (RFC 5802 5.1, r=).
      if (!combinedNonce.startsWith(nonce) || combinedNonce.length === nonce.length) {
        throw new ScramError('The server SCRAM nonce does not extend ours');
      }
      if (iterations > 10_000_000) throw new ScramError(`The server asks for ${iterations} SCRAM iterations: refused`);
      // NFKC: the normalisation part of SASLprep (RFC 4013), as our broker and others apply it.
      const saltedPassword = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, hash.bytes, hash.name);
      const clientKey = hmac(saltedPassword, 'Client Key');
      const storedKey = createHash(hash.name).update(clientKey).digest();
      const clientFinalWithoutProof = `c=biws,r=${combinedNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < clientKey.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
      expectedServerSignature = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
      return Buffer.from(`${clientFinalWithoutProof},p=${proof.toString('base64')}`);
    },

    verifyServerFinal(serverFinalBytes) {
      if (!expectedServerSignature) throw new ScramError('SCRAM exchange did not reach its final step');
      const attributes = parseAttributes(serverFinalBytes.toString('utf8'));
      if (attributes.has('e')) throw new ScramError(`The server refused SCRAM: ${attributes.get('e')}`);
      const signature = Buffer.from(attributes.get('v') ?? '', 'base64');
      if (signature.length !== expectedServerSignature.length || !timingSafeEqual(signature, expectedServerSignature)) {
        throw new ScramError('The server SCRAM signature is wrong: it does not know the password (possible impostor)');
      }
    },
  };
}
