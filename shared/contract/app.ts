import { z } from 'zod';
import { empty } from './common';

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
  events: {},
} as const;
