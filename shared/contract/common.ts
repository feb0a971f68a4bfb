import { z } from 'zod';
import { topicFilterProblem, topicNameProblem } from '../mqtt/topic';

/**
 * Payloads cross the contract as bytes, never as strings: a Uint8Array over Electron IPC
 * (structured clone keeps it) and a base64 envelope on the WebSocket (see ../wire.ts).
 */
export const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'Expected bytes (Uint8Array)',
});

/** The MQTT maximum packet size bounds every payload (268,435,455 bytes of remaining length). */
export const MAX_MQTT_PAYLOAD_BYTES = 268_435_455;

export const connectionId = z.string().min(1, 'Connection id is required').max(64);

export const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const topicName = z.string().superRefine((topic, ctx) => {
  const problem = topicNameProblem(topic);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const topicFilter = z.string().superRefine((filter, ctx) => {
  const problem = topicFilterProblem(filter);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const empty = z.object({}).strict();

/** A WorkbenchError as data (connection status, subscribe failures): params are optional, so older readers still parse it. */
/** WorkbenchError.params as data: the values of the message, for the UI's translation. */
export const errorParamsShape = z.record(z.string(), z.union([z.string(), z.number()]));
export const errorShape = z.object({ code: z.string(), message: z.string(), params: errorParamsShape.optional() });

/** What a download id hands over (see history.download and messages.downloadPayload). */
export const downloadTicket = z.object({ downloadId: z.string(), fileName: z.string(), bytes: z.number() });
export type DownloadTicket = z.infer<typeof downloadTicket>;

