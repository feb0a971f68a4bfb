import type { MqttMessage } from '../../shared/contract';
import { Ring } from './ring';

/** A message as the UI keeps it: `seq` numbers every message of its connection, for stable row keys. */
export interface StoredMessage extends MqttMessage {
  seq: number;
  /** The host's number for the message (live batches carry it): fetches a previewed payload whole. */
  id?: number;
  /** Set when `payload` is only a preview (LIVE_PAYLOAD_PREVIEW_BYTES): the whole payload's size. */
  payloadSize?: number;
}

export class MessageRing extends Ring<StoredMessage> {}
