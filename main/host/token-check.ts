import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_HEADER } from '../../shared/wire';
import type { HostLimits } from './host-limits';

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Lengths differ only for a token that is wrong anyway; the comparison of equal lengths takes constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /api/token-check with the token in `X-Workbench-Token`: 200 `{"valid":true}` or 401
 * `{"valid":false}`, and nothing else about the host. A failed WebSocket upgrade is opaque to a
 * page (every refusal is close code 1006), so this is how it tells "this address is from another
 * launch" from "the host is not running" (the fetch itself fails). Same origin only, rate-limited
 * for every caller together (a token is 192 random bits: the limit keeps a local process from
 * spending the host's time, not from guessing), compared in constant time.
 */
export function createTokenCheck(token: string, limits: Pick<HostLimits, 'tokenCheckBurst' | 'tokenChecksPerSecond'>, now: () => number = Date.now) {
  let tokens = limits.tokenCheckBurst;
  let refilledAt = now();
  const take = (): boolean => {
    const at = now();
    tokens = Math.min(limits.tokenCheckBurst, tokens + ((at - refilledAt) / 1000) * limits.tokenChecksPerSecond);
    refilledAt = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  return (request: IncomingMessage, response: ServerResponse, allowedOrigin: string): void => {
    const answer = (status: number, body: object | null, headers: Record<string, string> = {}) => {
      const text = body ? JSON.stringify(body) : '';
      response
        .writeHead(status, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(text)),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          ...headers,
        })
        .end(text);
    };
    if (request.method !== 'GET') return answer(405, null, { Allow: 'GET' });
    // A browser names the origin of a cross-origin request, and says when it is not same-origin.
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== allowedOrigin) || (site !== undefined && site !== 'same-origin')) return answer(403, null);
    if (!take()) return answer(429, null, { 'Retry-After': '1' });
    const given = request.headers[TOKEN_HEADER.toLowerCase()];
    const valid = tokensEqual(Array.isArray(given) ? given[0] : given, token);
    answer(valid ? 200 : 401, { valid });
  };
}
