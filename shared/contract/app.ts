import { z } from 'zod';
import { empty } from './common';

/**
 * What the desktop app's native menu asks of the page. Only the desktop shell emits these;
 * browser mode has no native menu (the same actions are on screen and on the keyboard).
 */
export const MENU_COMMANDS = ['newConnection', 'showWorkbench', 'showHistory', 'showBroker', 'toggleInspector', 'showShortcuts'] as const;
export const menuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

export const appContract = {
  requests: {
    info: {
      input: empty,
      output: z.object({
        version: z.string(),
        /** Which shell serves the contract: the desktop app or the browser-mode host. */
        shell: z.enum(['electron', 'browser']),
        /** How secrets are protected at rest, said plainly to the user. */
        secretsProtection: z.string(),
      }),
    },
  },
  events: {
    /** A native menu item was chosen (desktop app only). */
    menuCommand: { payload: z.object({ command: menuCommandSchema }) },
    /**
     * The page crashed or was killed and the desktop app reloaded it. Connections, profiles and
     * history live in the main process, so nothing was lost; the page says so once.
     */
    recovered: { payload: z.object({ reason: z.string(), exitCode: z.number() }) },
  },
} as const;
