import type { RequestInput } from '../../../shared/contract';

/** What the publish panel would send now, or why it cannot. */
export type PreparedMessage = { ok: true; message: RequestInput<'messages.publish'> } | { ok: false; error: string };
