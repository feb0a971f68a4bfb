import { z } from 'zod';
import { empty } from './common';

/**
 * Updates of the desktop app from the project's GitHub releases (electron-updater, in the desktop
 * shell: main/electron/updates.ts). Browser mode has no updater: every request of this domain
 * fails there with DESKTOP_ONLY, and the page hides its Updates section.
 */

/** Longest release notes the page is sent (plain text; GitHub's are HTML, reduced to text in main). */
export const RELEASE_NOTES_MAX = 20_000;

export const UPDATE_STATUSES = [
  /** Nothing checked yet this run. */
  'idle',
  'checking',
  /** A newer version exists; not downloaded (yet). */
  'available',
  'not-available',
  'downloading',
  /** Downloaded: installed when the app restarts ("Restart to update", or the next quit). */
  'downloaded',
  'error',
  /** This build cannot update itself (a development build, or Linux not installed as AppImage, deb or rpm). */
  'unsupported',
] as const;
export const updateStatusSchema = z.enum(UPDATE_STATUSES);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

export const updateStateSchema = z.object({
  status: updateStatusSchema,
  currentVersion: z.string(),
  /** The newer version, once a check found one. */
  version: z.string().optional(),
  releaseName: z.string().optional(),
  /** What is new, as plain text (at most RELEASE_NOTES_MAX characters). */
  releaseNotes: z.string().max(RELEASE_NOTES_MAX).optional(),
  releaseDate: z.string().optional(),
  /** While downloading. */
  progress: z.object({ percent: z.number(), transferred: z.number(), total: z.number(), bytesPerSecond: z.number() }).optional(),
  /** Why the last check or download failed, or why updates are unsupported here. */
  message: z.string().optional(),
  /** When the last check finished (ms since the epoch). */
  lastCheckedAt: z.number().optional(),
  /**
   * Set when a check or download did not start because the connection is metered and the user has
   * not allowed that: the page asks, and repeats the request with `onMetered: true`.
   */
  heldBack: z.enum(['metered']).optional(),
});
export type UpdateState = z.infer<typeof updateStateSchema>;

export const updateSettingsSchema = z
  .object({
    /** 'ask' until the user answered "Check for updates automatically?" once; nothing is checked on its own before. */
    autoCheck: z.enum(['ask', 'on', 'off']),
    /** Whether automatic checks and downloads may use a metered connection. No unless the user said yes. */
    allowMetered: z.boolean(),
  })
  .strict();
export type UpdateSettings = z.infer<typeof updateSettingsSchema>;
export const DEFAULT_UPDATE_SETTINGS: UpdateSettings = { autoCheck: 'ask', allowMetered: false };

/** A request the user made on a metered connection after being told so. */
const meteredConsent = z.object({ onMetered: z.boolean().default(false) }).strict();

export const updatesContract = {
  requests: {
    state: { input: empty, output: updateStateSchema },
    settings: { input: empty, output: updateSettingsSchema },
    /** Changes some settings; answers all of them. Turning automatic checks on checks soon after. */
    setSettings: { input: updateSettingsSchema.partial().strict(), output: updateSettingsSchema },
    /**
     * What the page can tell about the network (navigator.connection: saveData, or type
     * 'cellular'); null when the browser says nothing. Automatic checks use the last report.
     */
    reportNetwork: { input: z.object({ metered: z.boolean().nullable() }).strict(), output: empty },
    /** Checks now (the user asked). */
    check: { input: meteredConsent, output: updateStateSchema },
    /** Downloads the update found, in the background (progress arrives as `updates.state`). */
    download: { input: meteredConsent, output: updateStateSchema },
    /** Quits and installs the downloaded update, then starts the new version. */
    restartToUpdate: { input: empty, output: empty },
  },
  events: {
    /** Every change of the state (checking, found, progress, downloaded, failed). */
    state: { payload: updateStateSchema },
  },
} as const;
