/**
 * Stable error codes. Every failure that crosses the contract carries one of these, so the UI
 * and tests can branch on a code instead of parsing a message. Never renumber or rename.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST', // the input failed its schema
  'UNKNOWN_CHANNEL', // no such request channel
  'BAD_FRAME', // a transport frame that is not JSON or not shaped as a frame
  'FRAME_TOO_LARGE', // a transport frame over the size cap
  'CONNECTION_NOT_FOUND', // no connection with that id
  'NOT_FOUND', // no such item (repeat, profile...)
  'PAYLOAD_EVICTED', // a live message's full payload is no longer held in memory (History has it)
  'IMPORT_INVALID', // an import file that cannot be read in the chosen format
  'SECRET_UNREADABLE', // a stored secret cannot be decrypted (the key changed)
  'NOT_CONNECTED', // the connection exists but is not connected
  'CONNECT_TIMEOUT', // no CONNACK within the connect timeout
  'HOST_UNREACHABLE', // nothing listens there, or the address cannot be reached
  'DNS_FAILURE', // the host name does not resolve
  'CONNECTION_REFUSED', // the broker answered CONNACK with a failure reason code
  'AUTH_FAILED', // enhanced authentication failed or the server could not prove itself
  'TLS_UNTRUSTED_CERTIFICATE', // the broker's certificate does not chain to a trusted CA
  'TLS_HOSTNAME_MISMATCH', // the certificate is not for this host name (or SNI name)
  'TLS_CERTIFICATE_EXPIRED', // the broker's certificate is expired or not yet valid
  'TLS_BAD_PASSPHRASE', // the key or PKCS#12 passphrase is wrong
  'TLS_ERROR', // any other TLS failure: unusable key or certificate, handshake refused
  'PAYLOAD_TOO_LARGE', // the packet exceeds the broker's Maximum Packet Size (CONNACK)
  'CONNECTION_CLOSED', // the connection closed while a request was in flight
  'SUBSCRIBE_FAILED', // SUBACK carried a failure reason code
  'UNSUBSCRIBE_FAILED',
  'PUBLISH_FAILED',
  'BROKER_START_FAILED', // the embedded broker could not listen (port in use, bad host)
  'HISTORY_UNAVAILABLE', // no data folder, or the history database could not be opened
  'HISTORY_FAILED', // a history query, export or import failed (the message says why)
  'SEARCH_SUPERSEDED', // a newer text search of the same connection's live payloads replaced this one
  'CLOSED_BEFORE_CONNACK', // TCP (and TLS/WebSocket) connected, but the broker closed before answering CONNECT
  'UNSUPPORTED_PROTOCOL_VERSION', // the broker refused the MQTT version (CONNACK 1 or 0x84)
  'CONNECTION_LOST', // an established connection closed or failed at the socket
  'KEEPALIVE_TIMEOUT', // an established connection: no PINGRESP within 1.5 x keep alive
  'PROTOCOL_ERROR', // an established connection: the broker sent a malformed or unexpected packet; closed
  'BROKER_DISCONNECTED', // an established connection: the broker sent DISCONNECT (MQTT 5)
  'MESSAGE_REFUSED', // the broker closed the connection right after a PUBLISH or SUBSCRIBE: taken as refused
  'RECONNECT_STOPPED', // reconnecting stopped: the broker kept closing new connections at once
  'PROTOCOL_VIOLATION', // the broker broke the protocol without closing (PUBACK to QoS 2, unknown packet id)
  'SHARED_SUBSCRIPTION_UNSUPPORTED', // $share/... on MQTT 3.1/3.1.1, where many brokers take it literally
  'INTERNAL', // a bug: reported, never thrown across the contract
  'IMPORT_WRONG_FORMAT', // an import file whose content is another known format than the one chosen (the message names it)
  'CODEC_SCHEMA_INVALID', // a codec rule names a schema that is missing, of the wrong kind, or does not compile (the message says where)
  'HISTORY_UNSUPPORTED', // a History action only this computer's history has (backup, restore), asked of a team database
  'HISTORY_READ_ONLY', // the team database's role may read, not write or delete
  'PROXY_UNREACHABLE', // the profile's proxy (HTTP CONNECT or SOCKS5) cannot be reached
  'PROXY_REFUSED', // the proxy refused to open a tunnel to the broker
  'PROXY_AUTH_FAILED', // the proxy refused the proxy user name or password
  'DESKTOP_ONLY', // a desktop-app feature (updates) asked of browser mode, which does not have it
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Which situation an error is, when its code covers several or its sentence names values: picks the
 * UI's sentence (renderer/ui/i18n/locales/{en,zh-CN}/errors.ts has one per reason, checked by type
 * and by test/unit/i18n-catalogs.test.ts). Add one here and in both catalogs together.
 */
export const ERROR_REASONS = [
  'connackRefused',
  'versionRefused',
  'connackUnreadable',
  'proxy',
  'scram',
  'tls',
  'tlsKeyUnreadable',
  'dns',
  'nothingListens',
  'cannotReach',
  'connectTimeout',
  'cannotConnect',
  'closedWithoutConnack',
  'keepalive',
  'tlsOpen',
  'connectionLost',
  'brokeProtocol',
  'malformedPacket',
  'brokerClosed',
  'brokerDisconnected',
  'gaveUp',
  'quickCloses',
  'noConnection',
  'notConnected',
  'responseClosed',
  'emptyTopic',
  'aliasAboveMaximum',
  'aliasNotSet',
  'packetTooLarge',
  'publishFailed',
  'requestNeedsMqtt5',
  'sharedSubscription',
  'suback',
  'subscribeClosed',
  'subscribeFailed',
  'unsubscribeFailed',
  'publishWillResend',
  'publishRefused',
  'publishRefusedQos0',
  'subscribeRefused',
  'unsubscribeRefused',
  'resubscribeFailed',
  'durableNotTaken',
  'durableNotCommitted',
  'listen',
  'listenWebSocket',
  'listenTls',
  'brokerCertificate',
  'brokerNotRunning',
  'brokerNeedsLogin',
  'historyOff',
  'historyOpen',
  'historyOpenLocal',
  'teamDatabase',
  'sourceNotSaved',
  'backupExists',
  'noBackup',
  'noExport',
  'localHistoryOnly',
  'downloadsUnavailable',
  'updatesDesktopOnly',
  'noProfile',
  'noProfileNamed',
  'noRepeat',
  'noReplay',
  'noResponder',
  'noCodecRule',
  'noScenario',
  'noScenarioRun',
  'noLiveMessage',
  'noUpdate',
  'noDownloadedUpdate',
  'invalidRequest',
  'unknownChannel',
  'internal',
  'tooManyRuns',
  'tooManyChecks',
  'tooManyResponders',
  'collectionFull',
  'builtInVariable',
  'uiStateTooLarge',
  'savedMessage',
  'scenarioInvalid',
  'scriptLine',
  'noRespondFunction',
  'decodeNeedsPayload',
  'decodeNeedsConnection',
  'searchSuperseded',
  'scenarioLimits',
  'scenarioMessage',
  'commandUnreadable',
  'deviceLost',
  'sharedLost',
  'deviceConnect',
  'wrongFormat',
  'notProfilesFile',
  'notCollectionFile',
  'pageText',
  'secretUnreadable',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/**
 * The values an error's English message was built from, so the UI can say the same in the user's
 * language: host, port, url, topic, profile, path, limit... `reason` picks the sentence of a code
 * used for several situations. `detail` is text from outside the app (an OS error such as
 * ECONNREFUSED, a broker's reason string, SQLite's or a compiler's message): the UI shows it in its
 * own words after the translated sentence. Empty params say the code's sentence is all there is to
 * say; no params at all, that the UI should keep the message as the detail.
 */
export type ErrorParams = { reason?: ErrorReason; detail?: string } & Record<string, string | number>;

export interface WorkbenchError {
  code: ErrorCode;
  message: string;
  /** Field-level details, e.g. which input path failed validation. */
  details?: { path: string; message: string }[];
  /** What the message was built from (see ErrorParams); absent on errors that have no values. */
  params?: ErrorParams;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: WorkbenchError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: WorkbenchError['details'], params?: ErrorParams): Result<never> {
  const error: WorkbenchError = { code, message };
  if (details) error.details = details;
  if (params) error.params = params;
  return { ok: false, error };
}

/** An error a core service throws on purpose; the dispatcher turns it into a failed Result. */
export class WorkbenchFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The values the message was built from, for the UI's translation (see ErrorParams). */
    readonly params?: ErrorParams,
  ) {
    super(message);
    this.name = 'WorkbenchFailure';
  }
}
