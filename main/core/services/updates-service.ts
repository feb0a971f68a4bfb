import { type UpdateState, WorkbenchFailure } from '../../../shared/contract';
import type { ChannelsOf, Service } from './service';

export type UpdatesService = Service<ChannelsOf<'updates'>>;

/**
 * The desktop shell's updater (main/electron/updates.ts), made once the core's event hub exists:
 * `emit` sends the page every change of its state. The core itself never updates anything.
 */
export type UpdatesProvider = (emit: (state: UpdateState) => void) => UpdatesService;

export const UPDATES_DESKTOP_ONLY = 'Updates are not available in browser mode: the desktop app updates itself; in browser mode, update with git pull or a new download.';

/** The updates domain: the desktop shell's updater, or (browser mode, the CLI) DESKTOP_ONLY for every request. */
export function createUpdatesService(provider: UpdatesProvider | undefined, emit: (state: UpdateState) => void): UpdatesService {
  if (provider) return provider(emit);
  const refuse = (): never => {
    throw new WorkbenchFailure('DESKTOP_ONLY', UPDATES_DESKTOP_ONLY, { reason: 'updatesDesktopOnly' });
  };
  return {
    handlers: {
      'updates.state': refuse,
      'updates.settings': refuse,
      'updates.setSettings': refuse,
      'updates.reportNetwork': refuse,
      'updates.check': refuse,
      'updates.download': refuse,
      'updates.restartToUpdate': refuse,
    },
    close: async () => {},
  };
}
