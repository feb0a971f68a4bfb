import type { SecretsProtectionInfo } from '../../../shared/contract';

/**
 * Encrypts secrets (passwords, key passphrases, private keys) at rest. The desktop app plugs in
 * Electron's safeStorage (the OS keychain); browser mode uses a key file readable only by the user.
 */
export interface SecretCipher {
  /** Which protection is in force, for the page to word (the user should know). */
  readonly protection: SecretsProtectionInfo;
  /** The same in English (describeSecretsProtection), for the command line. */
  readonly description: string;
  /** True when the OS keychain protects the key (safeStorage), false for a local key file. */
  readonly osProtected: boolean;
  encrypt(plaintext: Uint8Array): Uint8Array;
  /** Throws when the data was not encrypted by this cipher's key or was tampered with. */
  decrypt(ciphertext: Uint8Array): Uint8Array;
}
