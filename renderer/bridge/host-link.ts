/**
 * The state of the link between this page and the workbench host. In Electron it is always
 * 'open'; in browser mode it follows the WebSocket, so the UI can say plainly when it is cut off.
 */
export type HostLink =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'closed'; reason: string; retryInMs: number }
  | { state: 'no-token'; reason: string };

export type HostLinkListener = (link: HostLink) => void;
