import type { RequestInput } from '../../shared/contract';
import { getApi } from './api';

// The Publish pane's calls to the core: components go through the stores layer, never the API.

export function publishMessage(message: RequestInput<'messages.publish'>) {
  return getApi().messages.publish(message);
}

export function requestReply(request: RequestInput<'messages.request'>) {
  return getApi().messages.request(request);
}

export function startRepeat(repeat: RequestInput<'messages.startRepeat'>) {
  return getApi().messages.startRepeat(repeat);
}

export function stopRepeat(repeatId: string) {
  return getApi().messages.stopRepeat({ repeatId });
}
