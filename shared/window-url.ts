/**
 * Which view a window shows, carried in its URL's fragment beside the host's token:
 * `#window=history`, `#window=broker`, `#window=connection&connection=c3` (the main window has
 * none). The fragment never reaches a server; the desktop app loads `index.html#window=...`, and
 * browser mode opens the same origin's page with the fragment and the page's own token.
 */
import { type WindowTarget, windowTargetSchema } from './contract/app';
import { TOKEN_PARAM } from './wire';

export const WINDOW_PARAM = 'window';
export const CONNECTION_PARAM = 'connection';

/** The fragment's `key=value` pairs (no URLSearchParams here: shared/ runs without DOM or Node types). */
function fragmentParams(hash: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    try {
      params.set(decodeURIComponent(part.slice(0, at)), decodeURIComponent(part.slice(at + 1).replace(/\+/g, ' ')));
    } catch {
      // A malformed escape: that pair is ignored.
    }
  }
  return params;
}

/** What the fragment asks this page to show; anything unknown or malformed is the main window. */
export function windowTargetFromHash(hash: string): WindowTarget {
  const params = fragmentParams(hash);
  const kind = params.get(WINDOW_PARAM);
  const parsed = windowTargetSchema.safeParse(kind === 'connection' ? { kind, connectionId: params.get(CONNECTION_PARAM) } : { kind });
  return parsed.success ? parsed.data : { kind: 'main' };
}

/** The fragment for a window showing `target`, with the host's token when there is one (browser mode). */
export function windowHash(target: WindowTarget, token?: string | null): string {
  const parts: string[] = [];
  if (target.kind !== 'main') parts.push(`${WINDOW_PARAM}=${target.kind}`);
  if (target.kind === 'connection') parts.push(`${CONNECTION_PARAM}=${encodeURIComponent(target.connectionId)}`);
  if (token) parts.push(`${TOKEN_PARAM}=${encodeURIComponent(token)}`);
  return parts.length > 0 ? `#${parts.join('&')}` : '';
}

/** True when both show the same thing: a second request for it brings the first forward instead. */
export function sameWindowTarget(a: WindowTarget, b: WindowTarget): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'connection' || a.connectionId === (b as { connectionId: string }).connectionId;
}
