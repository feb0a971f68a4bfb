import type { LiveMessage, MqttMessage } from '../../shared/contract';
import { Ring } from './ring';

/**
 * A live message as the UI keeps it (not History's StoredMessage): `seq` numbers every message of
 * its connection, for stable row keys. `id` and `payloadSize` are the contract's LiveMessage fields
 * (the host's number, to fetch a previewed payload whole; the whole payload's size when `payload`
 * is a preview). `decoded`: the payload as the codec rule that matched its topic read it (issue 16).
 */
export type RingMessage = MqttMessage & Partial<Pick<LiveMessage, 'id' | 'payloadSize' | 'decoded'>> & { seq: number };

export class MessageRing extends Ring<RingMessage> {}
