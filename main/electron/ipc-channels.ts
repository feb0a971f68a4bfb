/**
 * The two IPC channels of the desktop transport; every contract channel travels inside them by
 * name. Kept apart from security.ts because the sandboxed preload imports it and may bundle
 * nothing that needs Node.
 */
export const IPC_INVOKE_CHANNEL = 'workbench:invoke';
export const IPC_EVENT_CHANNEL = 'workbench:event';
