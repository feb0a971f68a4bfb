import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DOWNLOAD_PATH, TOKEN_HEADER, TOKEN_PARAM } from '../../shared/wire';
import type { Downloads } from '../core/downloads/downloads';
import { tokensEqual } from './token-check';

/** `attachment; filename="…"` with an ASCII fallback and the RFC 5987 form (names are made safe already). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * GET /download/<id>?token=<token>: streams a download minted by history.download or
 * messages.downloadPayload, once. A browser download is a navigation, which cannot carry a header,
 * so the token rides in the query (the page has it in its fragment; Referrer-Policy keeps it out
 * of any referrer). Same origin only; the token is checked before the id is looked at, so a wrong
 * one cannot spend it; the id (32 random bytes) is spent by the first authenticated request, and a
 * second one gets 404. The bytes stream from the file with backpressure: host memory stays bounded.
 */
export function createDownloadRoute(downloads: Downloads | Promise<Downloads>, token: string) {
  return (request: IncomingMessage, response: ServerResponse, allowedOrigin: string): void => {
    const refuse = (status: number, text: string, headers: Record<string, string> = {}) => {
      response
        .writeHead(status, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': String(Buffer.byteLength(text)),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          ...headers,
        })
        .end(text);
    };
    if (request.method !== 'GET') return refuse(405, 'Method not allowed', { Allow: 'GET' });
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== allowedOrigin) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      return refuse(403, 'Forbidden');
    }
    const url = new URL(request.url ?? '/', 'http://host');
    const header = request.headers[TOKEN_HEADER.toLowerCase()];
    const given = url.searchParams.get(TOKEN_PARAM) ?? (Array.isArray(header) ? header[0] : header);
    if (!tokensEqual(given, token)) return refuse(401, 'This download needs the workbench token');
    const id = url.pathname.slice(DOWNLOAD_PATH.length);
    // The core (which mints the ids) may still be starting: no id can be valid before it is.
    Promise.resolve(downloads).then(
      (ready) => send(ready.take(id)),
      () => refuse(503, 'The workbench failed to start'),
    );

    function send(download: ReturnType<Downloads['take']>): void {
      if (!download) return refuse(404, 'This download does not exist, has expired, or was taken already');
      response.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(download.bytes),
        'Content-Disposition': contentDisposition(download.fileName),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      pipeline(download.open(), response)
        .catch(() => response.destroy())
        .finally(() => void download.release());
    }
  };
}
