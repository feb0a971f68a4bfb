// The desktop secret cipher with a stand-in for safeStorage (a reversible wrap that records calls).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SafeStorageLike, createSafeStorageCipher, hasOsEncryption, keyFileFallback } from '../../main/electron/safe-storage-cipher';
import { describeSecretsProtection } from '../../main/core/secrets/describe-protection';
import { createWorkbenchCore } from '../../main/core/create-core';
import { SecretsNoteText } from '../../renderer/features/connection-dialog/form/secrets-note';
import { i18n } from '../../renderer/ui/i18n';

function fakeSafeStorage(options: { available?: boolean; backend?: string; brokenDecrypt?: boolean } = {}) {
  const calls = { encrypt: 0, decrypt: 0 };
  const safeStorage: SafeStorageLike = {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => (options.backend ?? 'gnome_libsecret') as ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>>,
    encryptString: (text: string) => {
      calls.encrypt++;
      return Buffer.from(`wrapped:${[...text].reverse().join('')}`);
    },
    decryptString: (data: Buffer) => {
      calls.decrypt++;
      const text = data.toString();
      if (options.brokenDecrypt || !text.startsWith('wrapped:')) throw new Error('Error while decrypting the ciphertext');
      return [...text.slice('wrapped:'.length)].reverse().join('');
    },
  };
  return { safeStorage, calls };
}

const secret = new TextEncoder().encode('broker password');

describe('safeStorage secret cipher', () => {
  let dir: string;
  let keyPath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-safe-storage-'));
    keyPath = join(dir, 'data', 'secrets.safestorage.key');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is not used without real OS encryption (Linux basic_text is a fixed key)', () => {
    expect(createSafeStorageCipher({ safeStorage: fakeSafeStorage({ available: false }).safeStorage, keyPath })).toBeNull();
    for (const backend of ['basic_text', 'unknown']) {
      const { safeStorage } = fakeSafeStorage({ backend });
      expect(hasOsEncryption(safeStorage, 'linux'), backend).toBe(false);
      expect(createSafeStorageCipher({ safeStorage, keyPath, platform: 'linux' }), backend).toBeNull();
    }
    expect(existsSync(keyPath)).toBe(false);
    // basic_text is a Linux notion: elsewhere availability is the answer.
    expect(hasOsEncryption(fakeSafeStorage({ backend: 'basic_text' }).safeStorage, 'darwin')).toBe(true);
  });

  it('wraps a new random key with safeStorage, stores it private, and round-trips secrets', () => {
    const { safeStorage, calls } = fakeSafeStorage();
    const cipher = createSafeStorageCipher({ safeStorage, keyPath, platform: 'linux' })!;
    expect(cipher.osProtected).toBe(true);
    expect(cipher.description).toMatch(/protected by the OS keyring \(gnome_libsecret\)/);
    expect(calls.encrypt).toBe(1);
    expect(readFileSync(keyPath).toString()).toMatch(/^wrapped:/);
    if (process.platform !== 'win32') expect(statSync(keyPath).mode & 0o077).toBe(0);

    const sealed = cipher.encrypt(secret);
    expect(Buffer.from(sealed).includes(Buffer.from('broker password'))).toBe(false);
    expect(new TextDecoder().decode(cipher.decrypt(sealed))).toBe('broker password');
  });

  it('unwraps the same key on the next launch (one OS call, no new key)', () => {
    const first = createSafeStorageCipher({ safeStorage: fakeSafeStorage().safeStorage, keyPath, platform: 'darwin' })!;
    const sealed = first.encrypt(secret);
    const { safeStorage, calls } = fakeSafeStorage();
    const second = createSafeStorageCipher({ safeStorage, keyPath, platform: 'darwin' })!;
    expect(calls).toEqual({ encrypt: 0, decrypt: 1 });
    expect(second.description).toMatch(/macOS Keychain/);
    expect(new TextDecoder().decode(second.decrypt(sealed))).toBe('broker password');
  });

  it('moves an unreadable key aside and starts a new one, saying so', () => {
    const first = createSafeStorageCipher({ safeStorage: fakeSafeStorage().safeStorage, keyPath, platform: 'win32' })!;
    const sealed = first.encrypt(secret);
    const replaced: string[] = [];
    const second = createSafeStorageCipher({
      safeStorage: fakeSafeStorage({ brokenDecrypt: true }).safeStorage,
      keyPath,
      platform: 'win32',
      onKeyReplaced: (movedTo) => replaced.push(movedTo),
    })!;
    expect(replaced).toHaveLength(1);
    expect(existsSync(replaced[0]!)).toBe(true);
    expect(readdirSync(join(dir, 'data')).sort()).toHaveLength(2);
    expect(() => second.decrypt(sealed)).toThrow();
    expect(new TextDecoder().decode(second.decrypt(second.encrypt(secret)))).toBe('broker password');
  });

  it('refuses a key file that unwraps to the wrong size', () => {
    createSafeStorageCipher({ safeStorage: fakeSafeStorage().safeStorage, keyPath, platform: 'darwin' });
    writeFileSync(keyPath, `wrapped:${[...Buffer.alloc(8).toString('base64')].reverse().join('')}`);
    const replaced: string[] = [];
    createSafeStorageCipher({
      safeStorage: fakeSafeStorage().safeStorage,
      keyPath,
      platform: 'darwin',
      onKeyReplaced: (movedTo) => replaced.push(movedTo),
    });
    expect(replaced).toHaveLength(1);
  });
});

/** The fallback in the command line's English, as the core words it (null when the OS protects the key). */
function describeKeyFileFallback(safeStorage: SafeStorageLike, keyFilePath: string, platform: string): string | null {
  const fallback = keyFileFallback(safeStorage, keyFilePath, platform);
  return fallback && describeSecretsProtection(fallback);
}

describe('when the OS has no keyring (Linux basic_text), the user is told before saving a secret', () => {
  it('says nothing extra when safeStorage is real OS encryption', () => {
    expect(describeKeyFileFallback(fakeSafeStorage().safeStorage, '/data/secrets.key', 'linux')).toBeNull();
    expect(describeKeyFileFallback(fakeSafeStorage().safeStorage, '/data/secrets.key', 'darwin')).toBeNull();
  });

  it('names the basic_text backend, the key file used instead, and how to get a keyring', () => {
    const text = describeKeyFileFallback(fakeSafeStorage({ backend: 'basic_text' }).safeStorage, '/data/secrets.key', 'linux');
    expect(text).toMatch(/key file readable only by your user \(\/data\/secrets\.key\), not by the OS keyring/);
    expect(text).toMatch(/backend: basic_text/);
    expect(text).toMatch(/GNOME Keyring or KWallet/);
    expect(describeKeyFileFallback(fakeSafeStorage({ available: false }).safeStorage, '/data/secrets.key', 'linux')).toMatch(/backend: none/);
    expect(describeKeyFileFallback(fakeSafeStorage({ available: false }).safeStorage, 'C:\\data\\secrets.key', 'win32')).toMatch(
      /not by the OS keyring: Electron safeStorage reports that OS encryption is unavailable/,
    );
  });

  it('reaches the page as what profiles.list and app.info report: not OS-protected, which protection and why (for the page to word), and the English text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-basic-text-'));
    const dataDir = join(dir, 'data');
    const keyPath = join(dataDir, 'secrets.key');
    const secretsProtectionInfo = keyFileFallback(fakeSafeStorage({ backend: 'basic_text' }).safeStorage, keyPath, 'linux')!;
    expect(secretsProtectionInfo).toEqual({ kind: 'key-file', path: keyPath, fallback: 'no-keyring', backend: 'basic_text' });
    const secretsProtection = describeKeyFileFallback(fakeSafeStorage({ backend: 'basic_text' }).safeStorage, keyPath, 'linux')!;
    const core = createWorkbenchCore({ version: 'test', shell: 'electron', dataDir, secretsProtectionInfo });
    try {
      const listed = await core.dispatcher.handle('profiles.list', {});
      expect(listed).toMatchObject({ ok: true, value: { osProtected: false, secretsProtection, secretsProtectionInfo } });
      expect(await core.dispatcher.handle('app.info', {})).toMatchObject({ ok: true, value: { secretsProtection, secretsProtectionInfo } });
      // The key file the text names is the one the core really uses.
      expect(existsSync(join(dataDir, 'secrets.key'))).toBe(true);
    } finally {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the connection dialog beside the secret fields', () => {
  const render = (props: Parameters<typeof SecretsNoteText>[0]) => renderToStaticMarkup(createElement(SecretsNoteText, props));
  const basicText = keyFileFallback(fakeSafeStorage({ backend: 'basic_text' }).safeStorage, '/home/u/.config/MQTT Workbench/data/secrets.key', 'linux')!;
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('warns, with the reason and the key file, when the OS does not protect saved secrets', () => {
    const html = render({ protection: basicText, osProtected: false });
    expect(html).toContain('data-testid="secrets-warning"');
    expect(html).toMatch(/Saved secrets are not protected by the operating system\..*Saved secrets: Secrets are encrypted with a local key file/);
    expect(html).toContain('backend: basic_text');
    // The TLS tab shows the same warning on a line of its own.
    expect(render({ protection: basicText, osProtected: false, warningOnly: true })).toMatch(/^<p class="span-4 secret-note">.*secrets-warning/);
  });

  it('only states the protection when the OS keychain protects them', () => {
    const html = render({ protection: { kind: 'os', store: 'macos-keychain' }, osProtected: true });
    expect(html).not.toContain('secrets-warning');
    expect(html).toContain('Saved secrets: Secrets are encrypted with a key protected by the macOS Keychain');
    expect(render({ protection: { kind: 'os', store: 'macos-keychain' }, osProtected: true, warningOnly: true })).toBe('');
  });

  it('words the protection in the UI language: Simplified Chinese, with the key file and the backend the core named', async () => {
    await i18n.changeLanguage('zh-CN');
    const html = render({ protection: basicText, osProtected: false });
    expect(html).toContain('已保存的密钥未受操作系统保护。');
    expect(html).toContain('本地密钥文件（/home/u/.config/MQTT Workbench/data/secrets.key）');
    expect(html).toContain('后端：basic_text');
    expect(html).not.toMatch(/Secrets are/);
    expect(render({ protection: { kind: 'os', store: 'windows-dpapi' }, osProtected: true })).toContain('受 Windows DPAPI 保护');
  });
});
