import { type Delivered, deliverDownload } from '../bridge/deliver-download';
import { getApi } from './api';
import { translate } from '../ui/i18n';
import { describeError } from '../ui/errors';

// Features reach the shell's downloads through the stores layer (the lint keeps bridge/ out of features).
export { type Delivered, savesWithDialog, showInFolder } from '../bridge/deliver-download';
export { deliveryFailure } from './delivery-failure';

/** Saves a live message's whole payload from the host to a file (a browser download or the desktop's save dialog). */
export async function downloadPayload(connectionId: string, id: number, fileName: string): Promise<Delivered> {
  const ticket = await getApi().messages.downloadPayload({ connectionId, id, fileName });
  if (!ticket.ok) return { kind: 'failed', message: translate('messages:detail.notSavedError', { error: describeError(ticket.error) }) };
  return deliverDownload(ticket.value);
}

