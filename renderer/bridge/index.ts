import { type WorkbenchApi, createWorkbenchApi } from '../../shared/contract';
import { TOKEN_PARAM, WIRE_PATH } from '../../shared/wire';
import type { HostLink, HostLinkListener } from './host-link';
import { createWebSocketClient } from './websocket-client';

export type { HostLink } from './host-link';

export interface Bridge {
  api: WorkbenchApi;
  /** Current link to the host, and a way to follow it; returns a disposer. */
  link(): HostLink;
  onLink(listener: HostLinkListener): () => void;
}

/** Reads the per-launch token the host put in the URL fragment (never sent over HTTP). */
function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(TOKEN_PARAM);
}

/** A WorkbenchApi whose every request fails with the given reason (no host to talk to). */
function unavailableApi(reason: string): WorkbenchApi {
  return createWorkbenchApi({
    invoke: async () => ({ ok: false, error: { code: 'CONNECTION_CLOSED', message: reason } }),
    on: () => () => {},
  });
}

/**
 * Hands the app one WorkbenchApi: the Electron preload's when present, else a WebSocket client
 * to the browser-mode host. The rest of the renderer never knows which.
 */
export function createBridge(): Bridge {
  const listeners = new Set<HostLinkListener>();
  let current: HostLink = { state: 'connecting' };
  const setLink = (link: HostLink) => {
    current = link;
    for (const listener of listeners) listener(link);
  };
  const bridge = (api: WorkbenchApi): Bridge => ({
    api,
    link: () => current,
    onLink(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });

  if (window.workbench) {
    current = { state: 'open' };
    return bridge(window.workbench);
  }
  const token = tokenFromHash(location.hash);
  if (!token) {
    const reason = 'No host token in the address. Open the exact URL the workbench host printed (it ends in #token=…).';
    current = { state: 'no-token', reason };
    return bridge(unavailableApi(reason));
  }
  const url = `ws://${location.host}${WIRE_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
  return bridge(createWorkbenchApi(createWebSocketClient({ url, onLink: setLink })));
}
