import { z } from 'zod';
import { bytes, connectionId, empty, errorParamsShape, errorShape } from './common';
import { connectProperties, userProperties, willMessage } from './mqtt5';

/** TLS material travels as bytes (PEM or DER), so the same request works from a file picker or a paste. */
export const tlsOptions = z
  .object({
    /** Trusted CA certificates; the system store is used when empty. */
    ca: z.array(bytes).max(20).optional(),
    cert: bytes.optional(),
    key: bytes.optional(),
    /** Passphrase of the key, or of the PKCS#12 bundle. */
    passphrase: z.string().max(1024).optional(),
    /** PKCS#12 (.p12/.pfx) bundle holding certificate and key. */
    pfx: bytes.optional(),
    /** Verify the broker's certificate chain and host name. Off only for testing. */
    rejectUnauthorized: z.boolean().default(true),
    alpnProtocols: z.array(z.string().min(1).max(255)).max(10).optional(),
    /** SNI server name; defaults to the host when it is a name. */
    servername: z.string().max(253).optional(),
  })
  .strict();

/**
 * How the connection reaches the broker: directly ('none'), through the system's proxy settings
 * ('system': the desktop app's, or HTTPS_PROXY / ALL_PROXY in a plain Node process), or through an
 * HTTP CONNECT or SOCKS5 proxy, for every protocol. The password is a secret like the profile's.
 */
export const proxyOptions = z
  .object({
    kind: z.enum(['none', 'system', 'http', 'socks5']).default('none'),
    host: z
      .string()
      .max(253)
      .regex(/^[^\s/?#@]*$/, 'Proxy host must be a host name or address, without scheme or path')
      .optional(),
    port: z.number().int().min(1, 'Proxy port must be 1-65535').max(65535, 'Proxy port must be 1-65535').optional(),
    /** SOCKS5's user name/password authentication (RFC 1929) or HTTP Basic Proxy-Authorization. */
    username: z.string().max(255).optional(),
    password: z.string().max(255).optional(),
  })
  .strict();
export type ProxyOptions = z.output<typeof proxyOptions>;

export const reconnectOptions = z
  .object({
    enabled: z.boolean().default(true),
    initialDelayMs: z.number().int().min(100).max(600_000).default(1000),
    maxDelayMs: z.number().int().min(100).max(3_600_000).default(30_000),
    /** 0 = keep trying until the user disconnects. */
    maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

/** The three MQTT versions on the wire. */
export const mqttVersion = z.union([z.literal(3), z.literal(4), z.literal(5)]);
export type MqttVersion = z.infer<typeof mqttVersion>;
/** What the user asks for: one version, or 'auto' (5, then 3.1.1, then 3.1). */
export const protocolVersionChoice = z.union([mqttVersion, z.literal('auto')]);
export type ProtocolVersionChoice = z.infer<typeof protocolVersionChoice>;

/** The options' shape; `connectionOptions` adds the cross-field rules. */
export const connectionOptionsObject = z
  .object({
    /** A user-facing name; defaults to host:port in the UI. */
    name: z.string().max(200).optional(),
    protocol: z.enum(['mqtt', 'mqtts', 'ws', 'wss']),
    host: z
      .string()
      .min(1, 'Host is required')
      .max(253)
      .regex(/^[^\s/?#]+$/, 'Host must be a host name or address, without scheme or path'),
    port: z.number().int().min(1, 'Port must be 1-65535').max(65535, 'Port must be 1-65535'),
    /** WebSocket path, e.g. /mqtt. Ignored for TCP. */
    path: z.string().max(1024).regex(/^\//, 'Path must start with /').default('/mqtt'),
    /** Extra HTTP headers for the WebSocket upgrade. */
    wsHeaders: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Not a valid header name'), z.string().max(8192)).optional(),
    clientId: z.string().max(65535).default(''),
    username: z.string().max(65535).optional(),
    password: z.string().max(65535).optional(),
    /**
     * 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5.0; 'auto' tries 5 and falls back to 3.1.1, then 3.1,
     * when the broker refuses the version or closes before CONNACK (see engine/version-fallback.ts).
     */
    protocolVersion: protocolVersionChoice.default('auto'),
    /** Clean Start (MQTT 5) / Clean Session (3.1.1). */
    clean: z.boolean().default(true),
    keepaliveSeconds: z.number().int().min(0).max(65535).default(60),
    connectTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    reconnect: reconnectOptions.default({ enabled: true, initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 0 }),
    /** MQTT 5 CONNECT properties; ignored for 3.1/3.1.1. */
    properties: connectProperties.optional(),
    will: willMessage.optional(),
    tls: tlsOptions.optional(),
    proxy: proxyOptions.optional(),
    /**
     * Appends this connection's TLS session keys to this file in the NSS key log format (Node's
     * `keylog` event), so Wireshark can decrypt a capture. Off when absent; only for mqtts and wss.
     * Anyone with the file can read the traffic.
     */
    tlsKeyLog: z.string().min(1).max(4096).optional(),
    /** MQTT 5 enhanced authentication (4.12) with the user name and password; they are then not sent in CONNECT. */
    enhancedAuth: z.object({ method: z.enum(['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) }).strict().optional(),
    /**
     * Topics beginning with `$` delivered for a filter that starts with a wildcard (`#`, `+/...`) are
     * hidden, as [MQTT-4.7.2-1] says they must not match; some brokers (NATS) send them anyway. True
     * keeps them.
     */
    keepDollarTopicsOnWildcards: z.boolean().default(false),
    /**
     * Durable capture: QoS 1/2 messages are acknowledged to the broker only once History committed
     * them. With a persistent session (clean off, Session Expiry set) nothing acknowledged is lost.
     */
    durableCapture: z.boolean().default(false),
  })
  .strict();

/** Rules across fields. `passwordStored`: a saved profile already holds the password. */
export function connectionOptionsProblems(
  options: z.output<typeof connectionOptionsObject>,
  { passwordStored = false } = {},
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (options.enhancedAuth && (options.protocolVersion === 3 || options.protocolVersion === 4)) {
    problems.push({ path: 'enhancedAuth', message: 'Enhanced authentication needs MQTT 5' });
  }
  if (options.enhancedAuth && (options.username === undefined || (options.password === undefined && !passwordStored))) {
    problems.push({ path: 'enhancedAuth', message: 'SCRAM needs a user name and a password' });
  }
  const proxy = options.proxy;
  if (proxy && (proxy.kind === 'http' || proxy.kind === 'socks5')) {
    if (!proxy.host) problems.push({ path: 'proxy.host', message: 'Proxy host is required' });
    if (proxy.port === undefined) problems.push({ path: 'proxy.port', message: 'Proxy port is required' });
    if (proxy.password !== undefined && proxy.username === undefined) problems.push({ path: 'proxy.username', message: 'A proxy password needs a user name' });
  }
  if (options.tlsKeyLog !== undefined && options.protocol !== 'mqtts' && options.protocol !== 'wss') {
    problems.push({ path: 'tlsKeyLog', message: 'A TLS key log needs mqtts or wss' });
  }
  return problems;
}

export const connectionOptions = connectionOptionsObject.superRefine((options, ctx) => {
  for (const problem of connectionOptionsProblems(options)) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
});

export type ConnectionOptions = z.output<typeof connectionOptions>;
export type ConnectionOptionsInput = z.input<typeof connectionOptions>;

export const connectionStatus = z.enum(['connecting', 'connected', 'reconnecting', 'disconnected']);
export type ConnectionStatus = z.infer<typeof connectionStatus>;

/** What the broker answered in CONNACK, so a user sees exactly what was granted. */
export const connackInfo = z.object({
  sessionPresent: z.boolean(),
  reasonCode: z.number(),
  /** MQTT 5 CONNACK properties as received (assigned client id, server keep alive, limits...). */
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type ConnackInfo = z.infer<typeof connackInfo>;

/** Something the broker did that the user should know about, kept per connection (newest last). */
export const connectionProblem = z.object({
  /** PROTOCOL_VIOLATION, MESSAGE_REFUSED, ... (see errors.ts). */
  code: z.string(),
  message: z.string(),
  /** The values of the message, for the UI's translation (WorkbenchError.params). */
  params: errorParamsShape.optional(),
  timestamp: z.number(),
});
export type ConnectionProblem = z.infer<typeof connectionProblem>;
/** Problems kept per connection; older ones are dropped (the count says how many there were). */
export const MAX_CONNECTION_PROBLEMS = 20;

/** A subscription the broker granted on this connection, as the engine holds it (the UI's list after a reload). */
export const activeSubscription = z.object({
  filter: z.string(),
  /** Requested QoS. */
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  grantedQos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  noLocal: z.boolean(),
  retainAsPublished: z.boolean(),
  retainHandling: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  subscriptionIdentifier: z.number().int().optional(),
  userProperties: userProperties.optional(),
});
export type ActiveSubscription = z.infer<typeof activeSubscription>;
/** Subscriptions a status event lists at most (a connection may hold more; the rest are still active). */
export const MAX_LISTED_SUBSCRIPTIONS = 1000;

export const connectionSummary = z.object({
  connectionId,
  name: z.string(),
  /**
   * Who the connection is across runs (`profile:<id>` or `endpoint:<hash>`, as in history), unlike
   * connectionId (c1, c2... anew each launch): what a reloaded or restarted UI keys its drafts and
   * tabs by.
   */
  connectionKey: z.string(),
  status: connectionStatus,
  /** Address shown to the user, e.g. mqtt://127.0.0.1:1883. Never contains secrets. */
  url: z.string(),
  /** The version in use (or being tried, while connecting). */
  protocolVersion: mqttVersion,
  /** What the user asked for; differs from protocolVersion after an 'auto' fallback. */
  requestedVersion: protocolVersionChoice,
  /** Set when 'auto' fell back: why the newer version was not used, in words. */
  versionNote: z.string().optional(),
  clientId: z.string(),
  /** Reconnect attempts since the connection was last up. */
  reconnectAttempts: z.number().int().min(0),
  /** When the next reconnect attempt is due (ms since epoch), while reconnecting. */
  nextReconnectAt: z.number().optional(),
  connack: connackInfo.optional(),
  /**
   * The last error, kept while connected too (an error of the established connection, a refused
   * message) and cleared by the next successful connect.
   */
  lastError: errorShape.optional(),
  /** What went wrong on this connection that did not stop it: protocol violations, refused messages. */
  problems: z.array(connectionProblem).max(MAX_CONNECTION_PROBLEMS),
  /** All problems ever recorded on this connection (problems keeps only the newest). */
  problemCount: z.number().int().min(0),
  /** Messages on `$` topics hidden because only a leading-wildcard filter matched them [MQTT-4.7.2-1]. */
  hiddenDollarMessages: z.number().int().min(0),
  /** What the broker granted, in the order subscribed: the truth a reloaded UI rebuilds its list from. */
  subscriptions: z.array(activeSubscription).max(MAX_LISTED_SUBSCRIPTIONS),
});
export type ConnectionSummary = z.infer<typeof connectionSummary>;

/**
 * The saved profile a connection was opened from, read from its connectionKey (`profile:<id>`);
 * undefined for one typed in. A page that did not open it (a reload, "connect on launch") still
 * knows its profile this way, for the ☆ of its subscriptions and to reopen it from its tab.
 */
export function profileIdOfKey(connectionKey: string): string | undefined {
  return connectionKey.startsWith('profile:') ? connectionKey.slice('profile:'.length) : undefined;
}

export const connectionsContract = {
  requests: {
    /** Opens a connection and resolves once the broker accepted it (CONNACK success). */
    connect: {
      input: connectionOptions,
      output: z.object({
        connectionId,
        clientId: z.string(),
        sessionPresent: z.boolean(),
        connack: connackInfo,
        /** The version the broker accepted (with 'auto', the first that worked). */
        protocolVersion: mqttVersion,
      }),
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
