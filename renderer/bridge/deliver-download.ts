import type { DownloadTicket } from '../../shared/contract';
import { DOWNLOAD_PATH, TOKEN_PARAM } from '../../shared/wire';
import { tokenFromHash } from './token';

/** How a minted download reached the user. */
export type Delivered =
  /** Browser mode: handed to the browser's downloads (it streams from the host to disk). */
  | { kind: 'downloaded'; fileName: string }
  /** Desktop: saved where the save dialog said; `savedId` lets "Show in folder" find it. */
  | { kind: 'saved'; fileName: string; savedId: string }
  /** Desktop: the dialog was cancelled; the same ticket can be saved again. */
  | { kind: 'cancelled'; ticket: DownloadTicket }
  /** `reason` names a failure the page words itself (stores/downloads.ts deliveryFailure); `message` is the cause as given. */
  | { kind: 'failed'; message: string; reason?: 'gone' | 'no-token' | 'not-saved' };

/**
 * Hands a download (history.download, messages.downloadPayload) to the user: on the desktop
 * through the save dialog (window.workbenchDesktop, main/electron/save-dialog.ts); in browser mode
 * as a real browser download of GET /download/<id>?token=… (a navigation cannot carry a header, so
 * the token rides in the query; the host answers once, with Content-Disposition). Never through
 * page memory: the bytes go from the host to the file.
 */
export async function deliverDownload(ticket: DownloadTicket): Promise<Delivered> {
  const desktop = window.workbenchDesktop;
  if (desktop) {
    try {
      const outcome = await desktop.saveDownload(ticket.downloadId);
      if (outcome.saved) return { kind: 'saved', fileName: outcome.fileName, savedId: outcome.savedId };
      if (outcome.reason === 'cancelled') return { kind: 'cancelled', ticket };
      return outcome.reason === 'gone' ? { kind: 'failed', reason: 'gone', message: '' } : { kind: 'failed', reason: 'not-saved', message: outcome.message ?? '' };
    } catch (error) {
      return { kind: 'failed', message: (error as Error).message };
    }
  }
  const token = tokenFromHash(location.hash);
  if (!token) return { kind: 'failed', reason: 'no-token', message: '' };
  const link = document.createElement('a');
  link.href = `${DOWNLOAD_PATH}${encodeURIComponent(ticket.downloadId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
  link.download = ticket.fileName;
  link.rel = 'noreferrer';
  document.body.append(link);
  link.click();
  link.remove();
  return { kind: 'downloaded', fileName: ticket.fileName };
}

/** Desktop only: shows a file the shell saved in the OS file manager. */
export function showInFolder(savedId: string): void {
  void window.workbenchDesktop?.showInFolder(savedId);
}

/** Whether saves go through a save dialog (the desktop) rather than browser downloads. */
export const savesWithDialog = (): boolean => Boolean(window.workbenchDesktop);
