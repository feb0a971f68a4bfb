import { describe, expect, it } from 'vitest';
import { describeConnectError } from '../../main/core/engine/connect-errors';

const url = 'mqtts://broker.example:8883';
const error = (code: unknown, message = 'x') => Object.assign(new Error(message), { code });

describe('every connect failure gets its own stable code and a sentence naming the address', () => {
  it.each([
    ['a name that does not resolve', error('ENOTFOUND', 'getaddrinfo ENOTFOUND broker.example'), 'DNS_FAILURE'],
    ['a resolver that cannot answer', error('EAI_AGAIN'), 'DNS_FAILURE'],
    ['nothing listening', error('ECONNREFUSED'), 'HOST_UNREACHABLE'],
    ['no route to the host', error('EHOSTUNREACH'), 'HOST_UNREACHABLE'],
    ['an unknown CA', error('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), 'TLS_UNTRUSTED_CERTIFICATE'],
    ['a self-signed certificate', error('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'TLS_UNTRUSTED_CERTIFICATE'],
    ['an expired certificate', error('CERT_HAS_EXPIRED', 'certificate has expired'), 'TLS_CERTIFICATE_EXPIRED'],
    ['a host name mismatch', error('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'TLS_HOSTNAME_MISMATCH'],
    ['a wrong PEM passphrase', error('ERR_OSSL_BAD_DECRYPT', 'error:1C800064:Provider routines::bad decrypt'), 'TLS_BAD_PASSPHRASE'],
    ['a wrong PKCS#12 passphrase', new Error('mac verify failure'), 'TLS_BAD_PASSPHRASE'],
    ['a CONNACK refusal (bad user name or password, 0x86)', error(0x86, 'Connection refused: Bad User Name or Password'), 'CONNECTION_REFUSED'],
    ['a CONNACK refusal in 3.1.1 (not authorized, 5)', error(5), 'CONNECTION_REFUSED'],
    ['no CONNACK in time', new Error('connack timeout'), 'CONNECT_TIMEOUT'],
  ])('%s', (_name, cause, code) => {
    const described = describeConnectError(cause, url);
    expect(described.code).toBe(code);
    expect(described.message).toContain(url);
  });

  it('names the CONNACK reason in words', () => {
    expect(describeConnectError(error(0x86), url).message).toContain('bad user name or password');
    expect(describeConnectError(error(0x8a), url).message).toContain('banned');
  });
});
