import { describe, expect, it } from 'vitest';
import { ScramError, createScramClient } from '../../main/core/engine/scram';

// The worked examples of RFC 5802 (section 5) and RFC 7677 (section 3): user "user", password "pencil".
const vectors = [
  {
    mechanism: 'SCRAM-SHA-1' as const,
    nonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    mechanism: 'SCRAM-SHA-256' as const,
    nonce: 'rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
];

describe('SCRAM client (enhanced authentication, MQTT 5 4.12)', () => {
  it.each(vectors)('$mechanism reproduces the RFC example exchange', ({ mechanism, nonce, serverFirst, clientFinal, serverFinal }) => {
    const client = createScramClient(mechanism, 'user', 'pencil', nonce);
    expect(client.clientFirst().toString()).toBe(`n,,n=user,r=${nonce}`);
    expect(client.clientFinal(Buffer.from(serverFirst)).toString()).toBe(clientFinal);
    expect(() => client.verifyServerFinal(Buffer.from(serverFinal))).not.toThrow();
  });

  it('rejects a server that does not know the password', () => {
    const v = vectors[1]!;
    const client = createScramClient(v.mechanism, 'user', 'pencil', v.nonce);
    client.clientFinal(Buffer.from(v.serverFirst));
    expect(() => client.verifyServerFinal(Buffer.from('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toThrow(ScramError);
  });

  it('rejects a server nonce that does not extend ours, and an error reply', () => {
    const client = createScramClient('SCRAM-SHA-256', 'user', 'pencil', 'abc');
    expect(() => client.clientFinal(Buffer.from('r=xyz123,s=QSXCR+Q6sek8bf92,i=4096'))).toThrow(/nonce/);
    expect(() => client.clientFinal(Buffer.from('e=unknown-user'))).toThrow(/unknown-user/);
  });

  it('escapes , and = in user names', () => {
    expect(createScramClient('SCRAM-SHA-256', 'a,b=c', 'x', 'n').clientFirst().toString()).toBe('n,,n=a=2Cb=3Dc,r=n');
  });
});
