import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramSha256 } from '../../main/core/broker/auth-scram';
import { RawClient, type ReceivedPacket, startTestBroker, type TestBroker } from '../support/raw-mqtt-client';

// Enhanced authentication (spec 4.12) with SCRAM-SHA-256: the CONNECT exchange and re-authentication.

let tb: TestBroker;
let n = 0;
const id = () => `scram${++n}`;
const METHOD = 'SCRAM-SHA-256';

beforeAll(async () => {
  tb = await startTestBroker({ auth: { methods: { [METHOD]: scramSha256({ alice: 'wonderland', 'b,o=b': 'pw' }, 1000) } } });
});
afterAll(async () => {
  await tb.stop();
});

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/** The client side of SCRAM-SHA-256 (RFC 5802). */
function scramClient(user: string, password: string) {
  const nonce = randomBytes(12).toString('base64');
  const bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`;
  let serverSignature = '';
  return {
    first: Buffer.from(`n,,${bare}`),
    final(serverFirst: Buffer): Buffer {
      const text = serverFirst.toString();
      const attrs = new Map(text.split(',').map((p) => [p[0]!, p.slice(2)] as [string, string]));
      const salted = pbkdf2Sync(password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')), 32, 'sha256');
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${attrs.get('r')}`;
      const authMessage = `${bare},${text},${withoutProof}`;
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
      serverSignature = `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`;
      return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
    },
    verify(serverFinal: Buffer): boolean {
      return serverFinal.toString() === serverSignature;
    },
  };
}

function props(p: ReceivedPacket): Record<string, unknown> {
  return (p.properties ?? {}) as Record<string, unknown>;
}

async function scramConnect(user: string, password: string): Promise<{ c: RawClient; connack: ReceivedPacket; ok: boolean }> {
  const scram = scramClient(user, password);
  const c = await RawClient.open(tb.port, 5);
  c.sendPacket({ cmd: 'connect', clientId: id(), properties: { authenticationMethod: METHOD, authenticationData: scram.first } });
  const challenge = await c.expect('auth');
  expect(challenge.reasonCode).toBe(0x18);
  expect(props(challenge).authenticationMethod).toBe(METHOD);
  c.sendPacket({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: scram.final(props(challenge).authenticationData as Buffer) } });
  const connack = await c.expect('connack');
  const ok = connack.reasonCode === 0 && scram.verify(props(connack).authenticationData as Buffer);
  return { c, connack, ok };
}

describe('enhanced authentication: SCRAM-SHA-256', () => {
  it('[MQTT-4.12.0-2] [MQTT-4.12.0-5] AUTH 0x18 asks for more; every AUTH and the CONNACK carry the method; the server proves itself', async () => {
    const { c, connack, ok } = await scramConnect('alice', 'wonderland');
    expect(connack.reasonCode).toBe(0);
    expect(props(connack).authenticationMethod).toBe(METHOD);
    expect(ok).toBe(true);
    await c.subscribe('scram/a', 0);
    c.publish('scram/a', 'in');
    expect(String((await c.expect('publish')).payload)).toBe('in');
    const escaped = await scramConnect('b,o=b', 'pw');
    expect(escaped.ok).toBe(true);
  });

  it('[MQTT-4.12.0-4] the server can refuse at any step: wrong password or unknown user → CONNACK 0x86, close', async () => {
    for (const [user, password] of [['alice', 'nope'], ['mallory', 'x']] as const) {
      const { c, connack } = await scramConnect(user, password);
      expect(connack.reasonCode).toBe(0x86);
      await c.expectClose();
    }
  });

  it('[MQTT-3.1.2-30] during the exchange a packet other than AUTH/DISCONNECT → CONNACK 0x82, close', async () => {
    const c = await RawClient.open(tb.port, 5);
    c.sendPacket({ cmd: 'connect', clientId: id(), properties: { authenticationMethod: METHOD, authenticationData: scramClient('alice', 'x').first } });
    await c.expect('auth');
    c.publish('x', 'y');
    expect((await c.expectClose()).map((p) => [p.cmd, p.reasonCode])).toEqual([['connack', 0x82]]);
  });

  it('(no ID; [MQTT-4.12.1-1]) an AUTH with a different method during the exchange → 0x82', async () => {
    const c = await RawClient.open(tb.port, 5);
    c.sendPacket({ cmd: 'connect', clientId: id(), properties: { authenticationMethod: METHOD, authenticationData: scramClient('alice', 'x').first } });
    await c.expect('auth');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'OTHER', authenticationData: Buffer.from('x') } });
    expect((await c.expectClose()).map((p) => p.reasonCode)).toEqual([0x82]);
  });

  it('[MQTT-4.12.1-2] re-authentication: AUTH 0x19 → AUTH 0x18 → AUTH 0x00, traffic keeps flowing; a failure → DISCONNECT, close', async () => {
    const { c } = await scramConnect('alice', 'wonderland');
    await c.subscribe('reauth/a', 0);
    const again = scramClient('alice', 'wonderland');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: METHOD, authenticationData: again.first } });
    const challenge = await c.expect('auth');
    expect(challenge.reasonCode).toBe(0x18);
    c.publish('reauth/a', 'during');
    expect(String((await c.expect('publish')).payload)).toBe('during');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: again.final(props(challenge).authenticationData as Buffer) } });
    const done = await c.expect('auth');
    expect(done.reasonCode).toBe(0);
    expect(again.verify(props(done).authenticationData as Buffer)).toBe(true);
    const bad = scramClient('alice', 'wrong');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: METHOD, authenticationData: bad.first } });
    const badChallenge = await c.expect('auth');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: bad.final(props(badChallenge).authenticationData as Buffer) } });
    await c.expectDisconnect(0x87);
  });

  it('[MQTT-3.15.2-1] the server AUTH reason codes are only 0x00, 0x18, 0x19; an AUTH 0x18 with no exchange → 0x82', async () => {
    const { c } = await scramConnect('alice', 'wonderland');
    c.sendPacket({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: Buffer.from('x') } });
    await c.expectDisconnect(0x82);
  });
});
