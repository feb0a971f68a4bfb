import type { ErrorCode } from '../../../shared/contract';

/** Socket error codes that mean "nothing answered at that address". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EADDRNOTAVAIL',
]);

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
function isTlsError(err: { code?: unknown; message?: string; library?: unknown } | undefined): boolean {
  const code = typeof err?.code === 'string' ? err.code : '';
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_SSL|ERR_TLS|ERR_OSSL/.test(code) ||
    err?.library !== undefined ||
    /certificate|bad decrypt|ssl|tls/i.test(err?.message ?? '')
  );
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
  if (isTlsError(err)) {
    return { code: 'TLS_ERROR', message: `TLS with ${url} failed: ${message}${err?.code ? ` (${String(err.code)})` : ''}` };
  }
  if (typeof err?.code === 'string' && UNREACHABLE_CODES.has(err.code)) {
    return { code: 'HOST_UNREACHABLE', message: `Cannot reach ${url}: ${err.code} (${message})` };
  }
  if (message === 'connack timeout') {
    return { code: 'CONNECT_TIMEOUT', message: `No answer from ${url} within the connect timeout` };
  }
  return { code: 'HOST_UNREACHABLE', message: `Cannot connect to ${url}: ${message}` };
}
