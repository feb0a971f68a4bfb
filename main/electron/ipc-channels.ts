/**
 * The two IPC channels of the desktop transport; every contract channel travels inside them by
 * name. Kept apart from security.ts because the sandboxed preload imports it and may bundle
 * nothing that needs Node.
 */
export const IPC_INVOKE_CHANNEL = 'workbench:invoke';
export const IPC_EVENT_CHANNEL = 'workbench:event';
/** Desktop-only: save a minted download where the user picks (dialog.showSaveDialog). */
export const IPC_SAVE_DOWNLOAD_CHANNEL = 'workbench:save-download';
/** Desktop-only: show a file this shell saved in the OS file manager (shell.showItemInFolder). */
export const IPC_SHOW_IN_FOLDER_CHANNEL = 'workbench:show-in-folder';
