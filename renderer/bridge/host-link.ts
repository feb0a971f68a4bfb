/**
 * The state of the link between this page and the workbench host. In Electron it is always
 * 'open'; in browser mode it follows the WebSocket, so the UI can say plainly when it is cut off
 * and what to do about it.
 */
/**
 * Why the link closed, for the page to word in the UI language (bridge/ has no i18n layer):
 * `stopped` (it had been reached since the page loaded or its token changed), `not-running` (never
 * reached at this address), `refused` (the host took the token but refused the socket: this page's
 * origin is not its own), or `closed` with the WebSocket's close code and the host's own text, if any.
 */
export type HostLinkReason = { kind: 'stopped' } | { kind: 'not-running' } | { kind: 'refused' } | { kind: 'closed'; code: number; text?: string };

export type HostLink =
  | { state: 'connecting' }
  | { state: 'open' }
  /**
   * The host is not reachable at this address (stopped, restarting, never started); the page keeps
   * trying. `wasOpen`: it was reached before, since the page loaded or its token last changed.
   */
  | { state: 'closed'; reason: HostLinkReason; attempt: number; wasOpen: boolean }
  /** A host answers at this address, but this page's token is not its token (an address from another launch). */
  | { state: 'wrong-token'; attempt: number }
  /** The address has no #token=… at all. */
  | { state: 'no-token' };

export type HostLinkListener = (link: HostLink) => void;

/**
 * What the host says of a token (GET /api/token-check): right, wrong, no answer at all (the host
 * is not running), or an answer that is neither (rate-limited, an older host): then the socket decides.
 */
export type TokenVerdict = 'valid' | 'wrong' | 'unreachable' | 'unknown';
