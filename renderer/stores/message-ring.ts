import type { MqttMessage } from '../../shared/contract';
import { Ring } from './ring';

/** A message as the UI keeps it: `seq` numbers every message of its connection, for stable row keys. */
export interface StoredMessage extends MqttMessage {
  seq: number;
}

export class MessageRing extends Ring<StoredMessage> {}
