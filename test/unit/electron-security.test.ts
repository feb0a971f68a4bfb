// The desktop shell's security policy, tested as data and pure functions (no Electron needed).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY as HOST_CSP } from '../../main/host/static-files';
import { createAppProtocolHandler } from '../../main/electron/protocol';
import {
  APP_ENTRY_URL,
  APP_SCHEME_REGISTRATION,
  CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  contentTypeFor,
  createWebPreferences,
  isAllowedSender,
  isAppUrl,
  isSafeExternalUrl,
  osProtection,
  resolveAppPath,
  safeExternalUrl,
} from '../../main/electron/security';
import { describeSecretsProtection } from '../../main/core/secrets/describe-protection';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('window webPreferences', () => {
  const preferences = createWebPreferences({ preload: '/app/out/preload/index.js', devTools: false });

  it('turns on isolation and the sandbox and keeps Node out of every renderer context', () => {
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and the risky features off', () => {
    expect(preferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      enableWebSQL: false,
    });
  });

  it('uses the given preload and devTools setting', () => {
    expect(preferences.preload).toBe('/app/out/preload/index.js');
    expect(preferences.devTools).toBe(false);
    expect(createWebPreferences({ preload: 'p', devTools: true }).devTools).toBe(true);
  });
});

describe('app:// scheme', () => {
  it('is standard and secure (a real origin, a secure context) with fetch, and nothing that widens access', () => {
    expect(APP_SCHEME_REGISTRATION.scheme).toBe('app');
    expect(APP_SCHEME_REGISTRATION.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    // corsEnabled would let other origins read app:// responses; bypassCSP would void the CSP.
    expect(APP_SCHEME_REGISTRATION.privileges).toMatchObject({
      corsEnabled: false,
      bypassCSP: false,
      allowServiceWorkers: false,
    });
  });

  it('loads the window from app://workbench, never file://', () => {
    expect(APP_ENTRY_URL).toBe('app://workbench/index.html');
  });
});

describe('content security policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it('allows scripts, workers and connections from our own origin only', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
    // Over IPC the renderer needs no WebSocket; the browser-mode host's ws:// source is dropped.
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|ws:|http:|https:|\*/);
  });

  it("gives Monaco the inline styles it needs, and scripts no 'unsafe-inline'", () => {
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('shuts plugins, base-uri hijacking, framing and form posts', () => {
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
  });

  it("is the browser-mode host's policy with only connect-src tightened (one source of truth)", () => {
    const host = directives(HOST_CSP);
    expect([...policy.keys()].sort()).toEqual([...host.keys()].sort());
    for (const [name, sources] of host) {
      if (name !== 'connect-src') expect(policy.get(name), name).toEqual(sources);
    }
  });

  it('is sent with nosniff and no referrer on every app:// response', () => {
    expect(SECURITY_HEADERS).toMatchObject({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });
});

describe('IPC sender check', () => {
  it('accepts the main frame of our own page', () => {
    expect(isAllowedSender({ url: 'app://workbench/index.html', isMainFrame: true })).toBe(true);
    expect(isAllowedSender({ url: 'app://workbench/index.html#/settings?x=1', isMainFrame: true })).toBe(true);
  });

  it('refuses a subframe, even one on our own origin', () => {
    expect(isAllowedSender({ url: 'app://workbench/index.html', isMainFrame: false })).toBe(false);
  });

  it.each([
    ['another host on the scheme', 'app://evil/index.html'],
    ['a host that only starts like ours', 'app://workbench.evil/index.html'],
    ['credentials that put our name before the @', 'app://workbench@evil/index.html'],
    ['a port', 'app://workbench:8080/index.html'],
    ['file://', 'file:///app/out/renderer/index.html'],
    ['the browser-mode host', 'http://127.0.0.1:18830/'],
    ['https', 'https://workbench/index.html'],
    ['about:blank', 'about:blank'],
    ['a data: URL', 'data:text/html,<script>1</script>'],
    ['an empty URL', ''],
    ['not a URL', 'workbench'],
  ])('refuses %s', (_name, url) => {
    expect(isAllowedSender({ url, isMainFrame: true })).toBe(false);
  });

  it('refuses a missing frame (destroyed or navigated away)', () => {
    expect(isAllowedSender(null)).toBe(false);
    expect(isAllowedSender(undefined)).toBe(false);
  });

  it('compares the host case-insensitively, as Chromium canonicalizes it', () => {
    expect(isAppUrl('app://WORKBENCH/index.html')).toBe(true);
  });
});

describe('app:// path resolution', () => {
  const root = resolve('/srv/renderer');

  it.each([
    ['app://workbench/index.html', 'index.html'],
    ['app://workbench/', 'index.html'],
    ['app://workbench', 'index.html'],
    ['app://workbench/assets/index-abc.js', 'assets/index-abc.js'],
    ['app://workbench/assets/', 'assets/index.html'],
    ['app://workbench/assets/a%20b.js', 'assets/a b.js'],
    ['app://workbench/index.html?v=1#top', 'index.html'],
    // The URL parser itself resolves plain and %2e dot segments, so these stay inside the root.
    ['app://workbench/assets/../index.html', 'index.html'],
    ['app://workbench/%2e%2e/%2e%2e/index.html', 'index.html'],
    // Decoded exactly once: a double-encoded dot segment is a literal (harmless) file name.
    ['app://workbench/%252e%252e/secret', '%2e%2e/secret'],
  ])('maps %s inside the root', (url, file) => {
    expect(resolveAppPath(url, root)).toBe(join(root, file));
  });

  it.each([
    ['an encoded slash that hides ..', 'app://workbench/assets/..%2f..%2fetc%2fpasswd'],
    ['an encoded %2e%2e with encoded slashes', 'app://workbench/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['encoded backslashes', 'app://workbench/assets%5c..%5c..%5csecret'],
    ['a NUL byte', 'app://workbench/index.html%00.png'],
    ['an absolute path after a double slash', 'app://workbench//etc/passwd'],
    ['an encoded absolute path', 'app://workbench/%2fetc%2fpasswd'],
    ['a drive letter', 'app://workbench/C:/Windows/win.ini'],
    ['an encoded drive letter', 'app://workbench/C%3A%5CWindows%5Cwin.ini'],
    ['a broken escape', 'app://workbench/%E0%A4%A'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///srv/renderer/index.html'],
    ['an https URL', 'https://workbench/index.html'],
    ['not a URL at all', '../../etc/passwd'],
  ])('refuses %s', (_name, url) => {
    expect(resolveAppPath(url, root)).toBeNull();
  });

  it('gives JavaScript a JavaScript MIME type (module scripts and workers need it under nosniff)', () => {
    expect(contentTypeFor('/x/assets/editor.worker-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/assets/codicon.TTF')).toBe('font/ttf');
    expect(contentTypeFor('/x/unknown.bin')).toBe('application/octet-stream');
  });
});

describe('app:// protocol handler', () => {
  let base: string;
  let root: string;
  let handle: (request: Request) => Promise<Response>;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'wb-app-protocol-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>wb</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(base, 'secret.txt'), 'outside the root');
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
    handle = createAppProtocolHandler(root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves a file with its type and the CSP', async () => {
    const response = await handle(new Request('app://workbench/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('export {};');
  });

  it('serves index.html for the root', async () => {
    const response = await handle(new Request('app://workbench/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>wb</title>');
  });

  it('answers 404, still with the CSP, for a missing file, a folder, an escape or a symlink out', async () => {
    for (const url of [
      'app://workbench/missing.js',
      'app://workbench/assets',
      'app://workbench/..%2fsecret.txt',
      'app://workbench/assets/link.txt',
    ]) {
      const response = await handle(new Request(url));
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text(), url).not.toContain('outside the root');
    }
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    const response = await handle(new Request('app://workbench/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
    const head = await handle(new Request('app://workbench/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('external links', () => {
  it.each(['https://mqtt.org/', 'http://example.com/docs?q=1#x', 'HTTPS://Example.COM/path'])('opens %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it('hands the OS the normalized URL, not the raw string', () => {
    expect(safeExternalUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
  });

  it.each([
    ['file://', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['a custom protocol handler', 'ms-settings:privacy'],
    ['smb (credential leak on Windows)', 'smb://server/share'],
    ['our own scheme', 'app://workbench/index.html'],
    ['mqtt', 'mqtt://broker:1883'],
    ['credentials disguising the host', 'https://trusted.example@evil.example/'],
    ['a relative URL', '/docs'],
    ['an unparsable URL', 'http://'],
    ['a non-string', 42],
  ])('refuses %s', (_name, url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('secrets protection, said plainly', () => {
  it('names the OS store that protects the key', () => {
    expect(describeSecretsProtection(osProtection({ platform: 'darwin' }))).toMatch(/macOS Keychain/);
    expect(describeSecretsProtection(osProtection({ platform: 'win32' }))).toMatch(/DPAPI/);
    expect(describeSecretsProtection(osProtection({ platform: 'linux', linuxBackend: 'gnome_libsecret' }))).toMatch(/keyring \(gnome_libsecret\)/);
  });
});
