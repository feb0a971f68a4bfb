import { type WorkbenchApi, createWorkbenchApi } from '../../shared/contract';
import { TOKEN_CHECK_PATH, TOKEN_HEADER, TOKEN_PARAM, WIRE_PATH } from '../../shared/wire';
import type { HostLink, HostLinkListener, TokenVerdict } from './host-link';
import { tokenFromHash } from './token';
import { createWebSocketClient } from './websocket-client';

export type { HostLink } from './host-link';

export interface Bridge {
  api: WorkbenchApi;
  /** Current link to the host, and a way to follow it; returns a disposer. */
  link(): HostLink;
  onLink(listener: HostLinkListener): () => void;
  /** Opens the link to the host when the bridge was made with `connectLater` (nothing in the desktop app). */
  connect(): void;
}

/** A token check that gets no answer within this is taken as "host not reachable". */
const TOKEN_CHECK_TIMEOUT_MS = 5000;


/** GET /api/token-check (main/host/token-check.ts): 200 right, 401 wrong, no answer: no host here. */
async function checkToken(token: string): Promise<TokenVerdict> {
  try {
    const response = await fetch(TOKEN_CHECK_PATH, {
      headers: { [TOKEN_HEADER]: token },
      cache: 'no-store',
      signal: AbortSignal.timeout(TOKEN_CHECK_TIMEOUT_MS),
    });
    if (response.status === 200) return 'valid';
    if (response.status === 401) return 'wrong';
    return 'unknown';
  } catch {
    return 'unreachable';
  }
}

/**
 * Hands the app one WorkbenchApi, built from the contract on a transport: the Electron preload's
 * when present, else a WebSocket client to the browser-mode host. The rest of the renderer never
 * knows which.
 */
export function createBridge({ connectLater = false }: { connectLater?: boolean } = {}): Bridge {
  const listeners = new Set<HostLinkListener>();
  let current: HostLink = { state: 'connecting' };
  const setLink = (link: HostLink) => {
    current = link;
    for (const listener of listeners) listener(link);
  };
  const bridge = (api: WorkbenchApi, connect = () => {}): Bridge => ({
    api,
    connect,
    link: () => current,
    onLink(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });

  if (window.workbench) {
    current = { state: 'open' };
    return bridge(createWorkbenchApi(window.workbench));
  }
  const client = createWebSocketClient({
    token: tokenFromHash(location.hash),
    socketUrl: (token) => `ws://${location.host}${WIRE_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    checkToken,
    onLink: setLink,
    connectLater,
  });
  // Pasting the address the workbench printed into this tab changes only the fragment: no reload.
  window.addEventListener('hashchange', () => client.setToken(tokenFromHash(location.hash)));
  // A user coming back to the tab after restarting the workbench should not wait out a backoff.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') client.retryNow();
  });
  window.addEventListener('online', () => client.retryNow());
  return bridge(createWorkbenchApi(client), () => client.connect());
}
