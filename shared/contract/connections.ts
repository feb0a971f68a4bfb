import { z } from 'zod';
import { connectionId, empty, errorShape } from './common';

export const connectionOptions = z
  .object({
    /** A user-facing name; defaults to host:port in the UI. */
    name: z.string().max(200).optional(),
    protocol: z.enum(['mqtt', 'ws']),
    host: z
      .string()
      .min(1, 'Host is required')
      .max(253)
      .regex(/^[^\s/?#]+$/, 'Host must be a host name or address, without scheme or path'),
    port: z.number().int().min(1, 'Port must be 1-65535').max(65535, 'Port must be 1-65535'),
    /** WebSocket path, e.g. /mqtt. Ignored for plain TCP. */
    path: z.string().max(1024).regex(/^\//, 'Path must start with /').default('/mqtt'),
    clientId: z.string().max(65535).default(''),
    username: z.string().max(65535).optional(),
    password: z.string().max(65535).optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
    /** Clean Start (MQTT 5) / Clean Session (3.1.1). */
    clean: z.boolean().default(true),
    keepaliveSeconds: z.number().int().min(0).max(65535).default(60),
    connectTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  })
  .strict();

export type ConnectionOptions = z.output<typeof connectionOptions>;
export type ConnectionOptionsInput = z.input<typeof connectionOptions>;

export const connectionStatus = z.enum(['connecting', 'connected', 'reconnecting', 'disconnected']);
export type ConnectionStatus = z.infer<typeof connectionStatus>;

export const connectionSummary = z.object({
  connectionId,
  name: z.string(),
  status: connectionStatus,
  /** Address shown to the user, e.g. mqtt://127.0.0.1:1883. Never contains secrets. */
  url: z.string(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]),
  clientId: z.string(),
  lastError: errorShape.optional(),
});
export type ConnectionSummary = z.infer<typeof connectionSummary>;

export const connectionsContract = {
  requests: {
    /** Opens a connection and resolves once the broker accepted it (CONNACK success). */
    connect: {
      input: connectionOptions,
      output: z.object({ connectionId, clientId: z.string(), sessionPresent: z.boolean() }),
    },
    /** Closes the connection and forgets it. */
    disconnect: { input: z.object({ connectionId }).strict(), output: empty },
    list: { input: empty, output: z.array(connectionSummary) },
  },
  events: {
    /** Every status change of a connection, with the error that caused it, if any. */
    status: { payload: connectionSummary },
  },
} as const;
