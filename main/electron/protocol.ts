/**
 * The app:// scheme: the renderer's only origin. Serves the built renderer folder read-only, with
 * the CSP on every response; nothing is ever loaded over file://.
 * Electron objects come in as parameters (types only here), so the handler runs under Vitest.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_REGISTRATION, SECURITY_HEADERS, contentTypeFor, resolveAppPath } from './security';

/** Must run before the app is ready: privileges can only be granted at startup. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}

function isInside(root: string, filePath: string): boolean {
  const fromRoot = relative(root, filePath);
  return fromRoot !== '' && !fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !/^[a-zA-Z]:/.test(fromRoot);
}

/** The request handler for app://, as a plain fetch-style function. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  let realRoot: Promise<string> | undefined;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    }
    const filePath = resolveAppPath(request.url, rootDir);
    if (filePath === null) return plain(404, 'Not found');
    try {
      realRoot ??= realpath(rootDir);
      // A symlink inside the folder must not lead out of it either.
      const realFile = await realpath(filePath);
      if (!isInside(await realRoot, realFile) || !(await stat(realFile)).isFile()) return plain(404, 'Not found');
      const data = await readFile(realFile);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(realFile), 'Content-Length': String(data.byteLength) },
      });
    } catch {
      realRoot = undefined;
      return plain(404, 'Not found');
    }
  };
}

/** Serves app://workbench/* from rootDir (out/renderer) on the given session's protocol. */
export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rootDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rootDir));
}
