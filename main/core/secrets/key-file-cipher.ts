import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretsProtectionInfo } from '../../../shared/contract';
import { describeSecretsProtection } from './describe-protection';
import type { SecretCipher } from './secret-cipher';

const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with one key; the output is version | iv | tag | ciphertext. */
export function createAesGcmCipher(key: Uint8Array, protection: SecretsProtectionInfo): SecretCipher {
  if (key.byteLength !== KEY_BYTES) throw new Error(`A secrets key must be ${KEY_BYTES} bytes`);
  return {
    protection,
    description: describeSecretsProtection(protection),
    osProtected: false,
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]));
    },
    decrypt(data) {
      const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      if (buffer.length < 1 + IV_BYTES + TAG_BYTES || buffer[0] !== FORMAT_VERSION) throw new Error('Not a secret written by this app');
      const decipher = createDecipheriv('aes-256-gcm', key, buffer.subarray(1, 1 + IV_BYTES));
      decipher.setAuthTag(buffer.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return new Uint8Array(Buffer.concat([decipher.update(buffer.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]));
    },
  };
}

/**
 * Browser mode: the key lives in a file only the user can read (0600), created on first use.
 * This guards against other users and casual copying of the database, not against malware
 * running as the same user; the UI says so.
 */
export function createKeyFileCipher(keyPath: string): SecretCipher {
  mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
  if (!existsSync(keyPath)) {
    try {
      const fd = openSync(keyPath, 'wx', 0o600); // wx: never overwrite a key another process just made
      writeSync(fd, randomBytes(KEY_BYTES));
      closeSync(fd);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (process.platform !== 'win32' && (statSync(keyPath).mode & 0o077) !== 0) chmodSync(keyPath, 0o600);
  const key = readFileSync(keyPath);
  if (key.length !== KEY_BYTES) throw new Error(`The secrets key file ${keyPath} is damaged (expected ${KEY_BYTES} bytes)`);
  return createAesGcmCipher(key, { kind: 'key-file', path: keyPath });
}

/** For a core without a data folder (tests, throwaway sessions): a key that lives in memory only. */
export function createEphemeralCipher(): SecretCipher {
  return createAesGcmCipher(randomBytes(KEY_BYTES), { kind: 'memory' });
}
