/**
 * The state of the link between this page and the workbench host. In Electron it is always
 * 'open'; in browser mode it follows the WebSocket, so the UI can say plainly when it is cut off.
 */
export type HostLink =
  | { state: 'connecting' }
  | { state: 'open' }
  /** Lost (or never reached); `attempt` counts the reconnects tried so far. */
  | { state: 'closed'; reason: string; attempt: number }
  | { state: 'no-token'; reason: string };

export type HostLinkListener = (link: HostLink) => void;
