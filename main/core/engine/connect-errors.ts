import type { ErrorCode } from '../../../shared/contract';

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

/** MQTT 5 CONNACK reason codes (3.2.2.2) and MQTT 3.1.1 return codes (3.2.2.3), for messages. */
const CONNACK_REASONS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8c: 'bad authentication method',
  0x90: 'topic name invalid',
  0x95: 'packet too large',
  0x97: 'quota exceeded',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9f: 'connection rate exceeded',
};

export function connackReasonText(code: number): string {
  return CONNACK_REASONS[code] ?? `reason code 0x${code.toString(16)}`;
}

/** Certificate verification and TLS handshake failures, as Node's tls module reports them. */
function tlsErrorCode(err: { code?: unknown; message?: string; library?: unknown } | undefined): ErrorCode | null {
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = err?.message ?? '';
  if (UNTRUSTED_CODES.has(code)) return 'TLS_UNTRUSTED_CERTIFICATE';
  if (EXPIRED_CODES.has(code)) return 'TLS_CERTIFICATE_EXPIRED';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'TLS_HOSTNAME_MISMATCH';
  // A wrong passphrase: "bad decrypt" for a PEM key, "mac verify failure" for PKCS#12.
  if (/bad decrypt|mac verify failure|bad password/i.test(message)) return 'TLS_BAD_PASSPHRASE';
  if (/CERT|ERR_SSL|ERR_TLS|ERR_OSSL/.test(code) || err?.library !== undefined || /certificate|ssl|tls/i.test(message)) return 'TLS_ERROR';
  return null;
}

/** Maps an mqtt.js or socket error to a stable code and a sentence a user can act on. */
export function describeConnectError(error: unknown, url: string): { code: ErrorCode; message: string } {
  const err = error as { code?: unknown; message?: string } | undefined;
  const message = err?.message ?? String(error);
  if (typeof err?.code === 'number') {
    return {
      code: 'CONNECTION_REFUSED',
      message: `The broker at ${url} refused the connection: ${connackReasonText(err.code)} (code ${err.code})`,
    };
  }
  if (err?.code === 'SCRAM') return { code: 'AUTH_FAILED', message: `SCRAM authentication with ${url} failed: ${message}` };
  const tls = tlsErrorCode(err);
  if (tls) return { code: tls, message: `TLS with ${url} failed: ${message}${err?.code ? ` (${String(err.code)})` : ''}` };
  if (typeof err?.code === 'string' && DNS_CODES.has(err.code)) {
    return { code: 'DNS_FAILURE', message: `The host name of ${url} does not resolve: ${err.code}` };
  }
  if (err?.code === 'ECONNREFUSED') {
    return { code: 'HOST_UNREACHABLE', message: `Nothing listens at ${url}: the connection was refused (ECONNREFUSED)` };
  }
  if (typeof err?.code === 'string' && UNREACHABLE_CODES.has(err.code)) {
    return { code: 'HOST_UNREACHABLE', message: `Cannot reach ${url}: ${err.code} (${message})` };
  }
  if (message === 'connack timeout') {
    return { code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within the connect timeout` };
  }
  return { code: 'HOST_UNREACHABLE', message: `Cannot connect to ${url}: ${message}` };
}
