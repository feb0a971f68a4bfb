/**
 * The state of the link between this page and the workbench host. In Electron it is always
 * 'open'; in browser mode it follows the WebSocket, so the UI can say plainly when it is cut off
 * and what to do about it.
 */
export type HostLink =
  | { state: 'connecting' }
  | { state: 'open' }
  /**
   * The host is not reachable at this address (stopped, restarting, never started); the page keeps
   * trying. `wasOpen`: it was reached before, since the page loaded or its token last changed.
   * `refused`: the host took the token but refused the socket (this page's origin is not its own).
   */
  | { state: 'closed'; reason: string; attempt: number; wasOpen: boolean; refused?: boolean }
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
