/**
 * The desktop shell's security policy as plain data and pure functions. No value import of
 * 'electron' here (types only, erased at build): Vitest loads this module, and requiring
 * 'electron' under Node tries to download its binary.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY as HOST_CONTENT_SECURITY_POLICY } from '../host/static-files';
import type { SecretsProtectionInfo } from '../../shared/contract';

/** The privileged scheme the renderer is served from, instead of file://. */
export const APP_SCHEME = 'app';
/** The one host the scheme answers for; every other host is refused. */
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard + secure: a real origin (app://workbench) that counts as a secure context, so
 * same-origin module scripts and workers load. corsEnabled stays off: it would let other origins
 * read the scheme's responses. No bypassCSP, no service workers.
 */
export const APP_SCHEME_REGISTRATION = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: false,
    bypassCSP: false,
    allowServiceWorkers: false,
    stream: false,
    codeCache: true,
  },
} as const satisfies CustomScheme;

/** The window's webPreferences: Electron's security checklist, spelled out rather than defaulted. */
export function createWebPreferences(options: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    enableWebSQL: false,
    safeDialogs: true,
    devTools: options.devTools,
  };
}

function parseDirectives(policy: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources.join(' '));
  }
  return directives;
}

/**
 * The host's policy (one source of truth: main/host/static-files.ts) with one directive
 * tightened: in the desktop shell the renderer talks over IPC, so it needs no WebSocket and
 * connect-src is 'self' only.
 */
export const CONTENT_SECURITY_POLICY = (() => {
  const directives = parseDirectives(HOST_CONTENT_SECURITY_POLICY);
  directives.set('connect-src', "'self'");
  return [...directives].map(([name, sources]) => `${name} ${sources}`).join('; ');
})();

/** Headers on every app:// response, success or not. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length > 8192) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * True for a URL on our own origin exactly: app://workbench, no credentials, no port.
 * (Node's URL keeps the case of a non-special scheme's host; Chromium lower-cases a standard
 * scheme's host, so compare case-insensitively.)
 */
export function isAppUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname.toLowerCase() === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

export interface SenderInfo {
  /** The URL of the frame that sent the IPC message. */
  url: string;
  /** False for an iframe: only the top-level document may use the contract. */
  isMainFrame: boolean;
}

/** Every IPC message is checked: it must come from our own page's main frame. */
export function isAllowedSender(sender: SenderInfo | null | undefined): boolean {
  return sender !== null && sender !== undefined && sender.isMainFrame === true && isAppUrl(sender.url);
}

/**
 * The only URLs handed to the operating system: parsed http(s) with a host and no credentials
 * (a user:pass@ prefix is a classic way to disguise where a link goes). Returns the normalized
 * URL to open, or null.
 */
export function safeExternalUrl(value: unknown): string | null {
  const url = parseUrl(value);
  if (url === null) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

export function isSafeExternalUrl(value: unknown): boolean {
  return safeExternalUrl(value) !== null;
}

/**
 * Maps an app:// request to a file under rootDir, or null when it must be refused: another
 * scheme or host, a path that escapes rootDir (`..`, `%2e%2e`, encoded slashes or backslashes),
 * a NUL, a drive letter or other colon, or an undecodable escape. A path ending in / means its
 * index.html.
 */
export function resolveAppPath(requestUrl: string, rootDir: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const url = new URL(requestUrl);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname || '/');
  } catch {
    return null;
  }
  if (pathname === '' || pathname.endsWith('/')) pathname += 'index.html';
  // After decoding, a segment may hold characters the URL parser treated as data.
  if (/[\0\\:]/.test(pathname)) return null;
  const segments = pathname.split('/').slice(1);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return null;
  const root = resolve(rootDir);
  const filePath = resolve(root, ...segments);
  const fromRoot = relative(root, filePath);
  if (fromRoot === '' || isAbsolute(fromRoot) || fromRoot === '..' || fromRoot.startsWith(`..${sep}`)) return null;
  return filePath;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  ttf: 'font/ttf',
  woff: 'font/woff',
  woff2: 'font/woff2',
  wasm: 'application/wasm',
};

/** Module scripts and workers are refused without a JavaScript MIME type (and nosniff is on). */
export function contentTypeFor(filePath: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(filePath)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/**
 * What app.info says when safeStorage really protects the secrets key. (Linux's 'basic_text'
 * backend is a fixed key, not protection: createSafeStorageCipher refuses it and the core's key
 * file cipher, which says so plainly, is used instead.)
 */
export function osProtection(options: { platform: string; linuxBackend?: string }): SecretsProtectionInfo {
  if (options.platform === 'darwin') return { kind: 'os', store: 'macos-keychain' };
  if (options.platform === 'win32') return { kind: 'os', store: 'windows-dpapi' };
  return { kind: 'os', store: 'linux-keyring', ...(options.linuxBackend ? { backend: options.linuxBackend } : {}) };
}
