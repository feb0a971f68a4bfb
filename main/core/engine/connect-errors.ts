import type { ErrorCode, ErrorParams, MqttVersion } from '../../../shared/contract';
import { RC, RC311, describeConnackCode, hexCode } from '../../../shared/mqtt/reason-codes';
import { versionLabel } from '../../../shared/mqtt/versions';
import { explicitVersionHint } from './version-fallback';

/** Socket error codes that mean "nothing answered at that address". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** Node's certificate verification codes, by what the user has to fix. */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** A CONNACK code in words: MQTT 3.1.1 return codes below 0x80, MQTT 5 reason codes from 0x80. */
export function connackReasonText(code: number): string {
  return describeConnackCode(code);
}

function isUndecodableKey(code: string, message: string): boolean {
  return code === 'ERR_OSSL_UNSUPPORTED' && /DECODER routines/i.test(message);
}

/** Certificate verification and TLS handshake failures, as Node's tls module reports them. */
function tlsErrorCode(err: { code?: unknown; message?: string; library?: unknown } | undefined): ErrorCode | null {
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = err?.message ?? '';
  if (UNTRUSTED_CODES.has(code)) return 'TLS_UNTRUSTED_CERTIFICATE';
  if (EXPIRED_CODES.has(code)) return 'TLS_CERTIFICATE_EXPIRED';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'TLS_HOSTNAME_MISMATCH';
  // A wrong passphrase: "bad decrypt" for a PEM key, "mac verify failure" for PKCS#12. About one
  // wrong passphrase in 500 decrypts a PEM key to garbage whose padding happens to check out, and
  // OpenSSL then fails to decode the result instead ("DECODER routines::unsupported").
  if (/bad decrypt|mac verify failure|bad password/i.test(message) || isUndecodableKey(code, message)) return 'TLS_BAD_PASSPHRASE';
  if (/CERT|ERR_SSL|ERR_TLS|ERR_OSSL/.test(code) || err?.library !== undefined || /certificate|ssl|tls/i.test(message)) return 'TLS_ERROR';
  return null;
}

export interface DescribedError {
  code: ErrorCode;
  message: string;
  /** The values of the message, for the UI's translation (WorkbenchError.params). */
  params?: ErrorParams;
}

/** A CONNACK code as params: the hex code in the sentence, its name (the spec's words) as the detail. */
function connackParams(code: number): { reasonCode: string; detail: string } {
  const hex = hexCode(code);
  return { reasonCode: hex, detail: connackReasonText(code).slice(hex.length + 1) };
}

const PROXY_CODES = new Set<unknown>(['PROXY_UNREACHABLE', 'PROXY_REFUSED', 'PROXY_AUTH_FAILED']);

/** CONNACK 1 (3.1.1) and 0x84 (MQTT 5): the broker does not speak the version of our CONNECT. */
export function isVersionRefusalCode(code: number): boolean {
  return code === RC311.UNACCEPTABLE_PROTOCOL_VERSION || code === RC.UNSUPPORTED_PROTOCOL_VERSION;
}

/** mqtt-packet's parse errors carry no code; their words are all it tells (parser.js). */
const PARSE_ERROR = /^(Cannot parse|Invalid|Malformed|Not supported|Packet (too short|must not)|Unknown property|Will |Connect flag)/;

/**
 * Maps an mqtt.js or socket error of the connect phase (before CONNACK) to a stable code and a
 * sentence a user can act on. `version`: the MQTT version the CONNECT was sent in.
 */
export function describeConnectError(error: unknown, url: string, version?: MqttVersion): DescribedError {
  const err = error as { code?: unknown; message?: string } | undefined;
  const message = err?.message ?? String(error);
  if (typeof err?.code === 'number') {
    if (isVersionRefusalCode(err.code)) {
      return {
        code: 'UNSUPPORTED_PROTOCOL_VERSION',
        message: `The broker at ${url} refused the connection: ${connackReasonText(err.code)}.${version ? explicitVersionHint(version) : ''}`,
        params: version ? { reason: 'versionRefused', url, version: versionLabel(version), ...connackParams(err.code) } : { reason: 'connackRefused', url, ...connackParams(err.code) },
      };
    }
    return {
      code: 'CONNECTION_REFUSED',
      message: `The broker at ${url} refused the connection: ${connackReasonText(err.code)}`,
      params: { reason: 'connackRefused', url, ...connackParams(err.code) },
    };
  }
  if (typeof err?.code !== 'string' && PARSE_ERROR.test(message)) {
    return { code: 'PROTOCOL_ERROR', message: `The broker at ${url} answered CONNECT with a packet that cannot be read: ${message}`, params: { reason: 'connackUnreadable', url, detail: message } };
  }
  if (PROXY_CODES.has(err?.code)) {
    return { code: err!.code as ErrorCode, message: `Cannot connect to ${url}: ${message}`, params: { reason: 'proxy', url, detail: message } };
  }
  if (err?.code === 'SCRAM') return { code: 'AUTH_FAILED', message: `SCRAM authentication with ${url} failed: ${message}`, params: { reason: 'scram', url, detail: message } };
  const tls = tlsErrorCode(err);
  if (tls) {
    const undecodable = typeof err?.code === 'string' && isUndecodableKey(err.code, message);
    const why = undecodable ? 'the key could not be decrypted and read (a wrong passphrase, or a key format that cannot be read): ' : '';
    const detail = `${message}${err?.code ? ` (${String(err.code)})` : ''}`;
    return { code: tls, message: `TLS with ${url} failed: ${why}${detail}`, params: { reason: undecodable ? 'tlsKeyUnreadable' : 'tls', url, detail } };
  }
  if (typeof err?.code === 'string' && DNS_CODES.has(err.code)) {
    return { code: 'DNS_FAILURE', message: `The host name of ${url} does not resolve: ${err.code}`, params: { reason: 'dns', url, detail: err.code } };
  }
  if (err?.code === 'ECONNREFUSED') {
    return { code: 'HOST_UNREACHABLE', message: `Nothing listens at ${url}: the connection was refused (ECONNREFUSED)`, params: { reason: 'nothingListens', url, detail: 'ECONNREFUSED' } };
  }
  if (typeof err?.code === 'string' && UNREACHABLE_CODES.has(err.code)) {
    return { code: 'HOST_UNREACHABLE', message: `Cannot reach ${url}: ${err.code} (${message})`, params: { reason: 'cannotReach', url, detail: `${err.code} (${message})` } };
  }
  if (message === 'connack timeout') {
    return { code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within the connect timeout`, params: { reason: 'connectTimeout', url } };
  }
  return { code: 'HOST_UNREACHABLE', message: `Cannot connect to ${url}: ${message}`, params: { reason: 'cannotConnect', url, detail: message } };
}

/**
 * TCP (and TLS or the WebSocket upgrade) succeeded, then the broker closed without a CONNACK: not
 * "host unreachable". Most often it does not speak the CONNECT's MQTT version.
 */
export function closedBeforeConnack(url: string, version: MqttVersion): DescribedError {
  return {
    code: 'CLOSED_BEFORE_CONNACK',
    message: `${url} accepted the network connection, then closed it without answering CONNECT.${explicitVersionHint(version)} A broker may also close silently on a client id or credentials it refuses: its log says which.`,
    params: { reason: 'closedWithoutConnack', url, version: versionLabel(version) },
  };
}

/**
 * Errors of an established connection (after CONNACK): the socket failed, the broker went silent,
 * or it sent something that cannot be read. Words differ from connect errors: the broker was
 * reachable and had accepted us.
 */
export function describeEstablishedError(error: unknown, url: string, keepaliveSeconds: number): DescribedError {
  const err = error as { code?: unknown; message?: string } | undefined;
  const message = err?.message ?? String(error);
  if (message === 'Keepalive timeout') {
    const limit = Math.ceil(keepaliveSeconds * 1.5);
    return {
      code: 'KEEPALIVE_TIMEOUT',
      message: `No answer from ${url} within 1.5 x the keep alive of ${keepaliveSeconds} s (${limit} s): the connection was taken as lost`,
      params: { reason: 'keepalive', url, keepalive: keepaliveSeconds, limit },
    };
  }
  if (typeof err?.code === 'string') {
    const tls = tlsErrorCode(err);
    if (tls) return { code: tls, message: `TLS with ${url} failed on the open connection: ${message}`, params: { reason: 'tlsOpen', url, detail: message } };
    return { code: 'CONNECTION_LOST', message: `The connection to ${url} was lost: ${err.code} (${message})`, params: { reason: 'connectionLost', url, detail: `${err.code} (${message})` } };
  }
  if (typeof err?.code === 'number') {
    return {
      code: 'PROTOCOL_ERROR',
      message: `The broker at ${url} broke the protocol: ${message} (${connackReasonText(err.code)})`,
      params: { reason: 'brokeProtocol', url, detail: `${message} (${connackReasonText(err.code)})` },
    };
  }
  return {
    code: 'PROTOCOL_ERROR',
    message: `The broker at ${url} sent a packet that cannot be read (${message}); the connection was closed, as a client must on a malformed packet [MQTT-4.13.1-1]`,
    params: { reason: 'malformedPacket', url, detail: message },
  };
}
