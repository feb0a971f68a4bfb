import { TOKEN_PARAM } from '../../shared/wire';

/** Reads the host's token from the URL fragment (never sent over HTTP). */
export function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(TOKEN_PARAM) || null;
}
