import { describe, expect, it } from 'vitest';
import { closedBeforeConnack, describeConnectError, describeEstablishedError } from '../../main/core/engine/connect-errors';

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
    // One wrong passphrase in about 500 decrypts a PEM key to undecodable bytes instead (seen in CI).
    ['a wrong PEM passphrase that decrypts to garbage', error('ERR_OSSL_UNSUPPORTED', 'error:1E08010C:DECODER routines::unsupported'), 'TLS_BAD_PASSPHRASE'],
    ['a CONNACK refusal (bad user name or password, 0x86)', error(0x86, 'Connection refused: Bad User Name or Password'), 'CONNECTION_REFUSED'],
    ['a CONNACK refusal in 3.1.1 (not authorized, 5)', error(5), 'CONNECTION_REFUSED'],
    ['no CONNACK in time', new Error('connack timeout'), 'CONNECT_TIMEOUT'],
  ])('%s', (_name, cause, code) => {
    const described = describeConnectError(cause, url);
    expect(described.code).toBe(code);
    expect(described.message).toContain(url);
  });

  it('says a key that decrypted to garbage may be a wrong passphrase', () => {
    const described = describeConnectError(error('ERR_OSSL_UNSUPPORTED', 'error:1E08010C:DECODER routines::unsupported'), url);
    expect(described.message).toMatch(/could not be decrypted.*wrong passphrase/);
  });

  it('names the CONNACK reason in words, with its hex code', () => {
    expect(describeConnectError(error(0x86), url).message).toContain('0x86 Bad User Name or Password');
    expect(describeConnectError(error(0x8a), url).message).toContain('0x8a Banned');
    expect(describeConnectError(error(5), url).message).toContain('0x05 Not authorized');
  });

  it('a refused MQTT version (3.1.1 return code 1, MQTT 5 0x84) is its own code, with what to change', () => {
    for (const code of [1, 0x84]) {
      const described = describeConnectError(error(code), url, 5);
      expect(described.code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
      expect(described.message).toMatch(/choose MQTT 3\.1\.1 or Auto/);
    }
  });

  it('a close after TCP connected, before CONNACK, is never "host unreachable"', () => {
    const described = closedBeforeConnack(url, 5);
    expect(described.code).toBe('CLOSED_BEFORE_CONNACK');
    expect(described.message).toContain('accepted the network connection');
    expect(described.message).toMatch(/3\.1\.1 or Auto/);
  });

  it('a CONNACK that cannot be parsed is a protocol error, not an unreachable host', () => {
    expect(describeConnectError(new Error('Invalid connack flags, bits 7-1 must be set to 0'), url).code).toBe('PROTOCOL_ERROR');
  });
});

describe('errors of an established connection have their own codes and words', () => {
  it('a keep-alive timeout names the interval', () => {
    const described = describeEstablishedError(new Error('Keepalive timeout'), url, 60);
    expect(described.code).toBe('KEEPALIVE_TIMEOUT');
    expect(described.message).toContain('keep alive of 60 s (90 s)');
  });

  it('a malformed packet from the broker is a protocol error [MQTT-4.13.1-1]', () => {
    const described = describeEstablishedError(new Error('Invalid header flag bits, must be 0x0 for puback packet'), url, 60);
    expect(described.code).toBe('PROTOCOL_ERROR');
    expect(described.message).toContain('cannot be read');
  });

  it('a reset socket is a lost connection, not a connect failure', () => {
    const described = describeEstablishedError(error('ECONNRESET', 'read ECONNRESET'), url, 60);
    expect(described.code).toBe('CONNECTION_LOST');
    expect(described.message).not.toContain('Cannot connect');
  });
});
