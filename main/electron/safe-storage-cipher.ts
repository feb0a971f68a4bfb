/**
 * The desktop app's secret cipher: one random AES-256-GCM data key, stored wrapped by Electron's
 * safeStorage (Keychain, DPAPI, libsecret/kwallet), so the OS is asked once per launch instead of
 * once per secret. safeStorage comes in as a parameter (types only here): Vitest runs this.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SafeStorage } from 'electron';
import type { SecretsProtectionInfo } from '../../shared/contract';
import { createAesGcmCipher } from '../core/secrets/key-file-cipher';
import type { SecretCipher } from '../core/secrets/secret-cipher';
import { osProtection } from './security';

const KEY_BYTES = 32;

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

export interface SafeStorageCipherOptions {
  safeStorage: SafeStorageLike;
  /** Where the wrapped data key lives (inside the app's data folder). */
  keyPath: string;
  platform?: NodeJS.Platform;
  /** Told when an existing key cannot be unwrapped and a new one replaces it. */
  onKeyReplaced?: (movedTo: string, error: unknown) => void;
}

function linuxBackend(safeStorage: SafeStorageLike, platform: string): string | undefined {
  if (platform !== 'linux') return undefined;
  try {
    return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** True only when safeStorage really is OS encryption (not Linux's fixed-key 'basic_text'). */
export function hasOsEncryption(safeStorage: SafeStorageLike, platform: string = process.platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = linuxBackend(safeStorage, platform);
  return backend !== 'basic_text' && backend !== 'unknown';
}

function createKey(safeStorage: SafeStorageLike, keyPath: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  // wx: never overwrite a key another instance just wrote; 0600: the wrapped key is still private.
  const fd = openSync(keyPath, 'wx', 0o600);
  try {
    writeSync(fd, safeStorage.encryptString(key.toString('base64')));
  } finally {
    closeSync(fd);
  }
  return key;
}

function readKey(safeStorage: SafeStorageLike, keyPath: string): Buffer {
  const key = Buffer.from(safeStorage.decryptString(readFileSync(keyPath)), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the unwrapped key has ${key.length} bytes, not ${KEY_BYTES}`);
  return key;
}

/**
 * The safeStorage-backed cipher, or null when the OS offers no real encryption (the caller then
 * uses the core's key-file cipher, which says so plainly). A key the OS can no longer unwrap (a
 * new keychain, another user) is moved aside and replaced: secrets saved under it must be entered
 * again, which the profile store reports per secret.
 */
export function createSafeStorageCipher(options: SafeStorageCipherOptions): SecretCipher | null {
  const { safeStorage, keyPath } = options;
  const platform = options.platform ?? process.platform;
  if (!hasOsEncryption(safeStorage, platform)) return null;
  mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
  let key: Buffer;
  if (existsSync(keyPath)) {
    try {
      key = readKey(safeStorage, keyPath);
    } catch (error) {
      const movedTo = `${keyPath}.unreadable-${Date.now()}`;
      renameSync(keyPath, movedTo);
      options.onKeyReplaced?.(movedTo, error);
      key = createKey(safeStorage, keyPath);
    }
  } else {
    try {
      key = createKey(safeStorage, keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      key = readKey(safeStorage, keyPath);
    }
  }
  return { ...createAesGcmCipher(key, osProtection({ platform, linuxBackend: linuxBackend(safeStorage, platform) })), osProtected: true };
}

/**
 * The protection when safeStorage offers no real encryption and the core's key-file cipher (at
 * `keyFilePath`) protects secrets instead, with why; null when safeStorage does. The connection
 * dialog words it as a warning beside the secret fields, before anything is saved.
 */
export function keyFileFallback(safeStorage: SafeStorageLike, keyFilePath: string, platform: string = process.platform): SecretsProtectionInfo | null {
  if (hasOsEncryption(safeStorage, platform)) return null;
  if (platform !== 'linux') return { kind: 'key-file', path: keyFilePath, fallback: 'os-unavailable' };
  return { kind: 'key-file', path: keyFilePath, fallback: 'no-keyring', backend: (safeStorage.isEncryptionAvailable() && linuxBackend(safeStorage, platform)) || 'none' };
}
