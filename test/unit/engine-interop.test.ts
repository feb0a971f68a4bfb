import type { Packet } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { deliveredAgainstDollarRule, matchingPart } from '../../main/core/engine/dollar-topics';
import { createOutgoingTracker } from '../../main/core/engine/outgoing-tracker';
import { fallbackNote, isVersionRefusal, versionsToTry } from '../../main/core/engine/version-fallback';

const packet = (fields: Record<string, unknown>) => fields as unknown as Packet;

describe('version fallback: which MQTT versions a connect tries', () => {
  it('Auto tries 5.0, then 3.1.1, then 3.1; an explicit version only itself; SCRAM pins Auto to 5.0', () => {
    expect(versionsToTry({ protocolVersion: 'auto' })).toEqual([5, 4, 3]);
    expect(versionsToTry({ protocolVersion: 4 })).toEqual([4]);
    expect(versionsToTry({ protocolVersion: 'auto', enhancedAuth: { method: 'SCRAM-SHA-256' } })).toEqual([5]);
  });

  it('moves on only for a version refusal or a close before CONNACK, never for credentials or TLS', () => {
    expect(isVersionRefusal('UNSUPPORTED_PROTOCOL_VERSION')).toBe(true);
    expect(isVersionRefusal('CLOSED_BEFORE_CONNACK')).toBe(true);
    for (const code of ['CONNECTION_REFUSED', 'HOST_UNREACHABLE', 'TLS_UNTRUSTED_CERTIFICATE', 'CONNECT_TIMEOUT', 'AUTH_FAILED'] as const) {
      expect(isVersionRefusal(code)).toBe(false);
    }
  });

  it('the note names each refusal, the version used, and MQTT 5 options left out', () => {
    const note = fallbackNote([{ version: 5, code: 'CLOSED_BEFORE_CONNACK' }], 4, true);
    expect(note).toMatch(/^This broker speaks MQTT 3\.1\.1: MQTT 5\.0 was answered by closing the connection\./);
    expect(note).toMatch(/MQTT 5 properties .* were not sent/);
  });
});

describe('outgoing tracker: answers checked against what was sent', () => {
  it('a PUBACK to a QoS 2 PUBLISH is a violation [MQTT-4.3.3-8], reported as handled at QoS 1', () => {
    const tracker = createOutgoingTracker(() => 1000);
    tracker.sent(packet({ cmd: 'publish', messageId: 7, qos: 2, topic: 't' }));
    const check = tracker.received(packet({ cmd: 'puback', messageId: 7 }));
    expect(check?.problem).toMatch(/PUBACK answered the QoS 2 PUBLISH to 't' \(packet id 7\)/);
    expect(check?.downgraded).toEqual({ messageId: 7, topic: 't', sentQos: 2, handledQos: 1 });
  });

  it('a normal QoS 1 and QoS 2 flow is no violation', () => {
    const tracker = createOutgoingTracker(() => 1000);
    tracker.sent(packet({ cmd: 'publish', messageId: 1, qos: 1, topic: 'a' }));
    tracker.sent(packet({ cmd: 'publish', messageId: 2, qos: 2, topic: 'b' }));
    tracker.sent(packet({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'c/#', qos: 1 }] }));
    expect(tracker.received(packet({ cmd: 'puback', messageId: 1 }))).toBeNull();
    expect(tracker.received(packet({ cmd: 'pubrec', messageId: 2 }))).toBeNull();
    expect(tracker.received(packet({ cmd: 'pubcomp', messageId: 2 }))).toBeNull();
    expect(tracker.received(packet({ cmd: 'suback', messageId: 3 }))).toBeNull();
    expect(tracker.suspects(1000, 3000)).toEqual([]);
  });

  it('an acknowledgement under an id nothing is in flight under is named', () => {
    const tracker = createOutgoingTracker(() => 1000);
    expect(tracker.received(packet({ cmd: 'pubcomp', messageId: 9 }))?.problem).toMatch(/PUBCOMP for packet id 9/);
    expect(tracker.received(packet({ cmd: 'suback', messageId: 4 }))?.problem).toMatch(/SUBACK for packet id 4/);
  });

  it('a delivered topic name with a wildcard breaks [MQTT-3.3.2-2]', () => {
    const tracker = createOutgoingTracker(() => 1000);
    expect(tracker.received(packet({ cmd: 'publish', topic: 'a/#' }))?.problem).toMatch(/\[MQTT-3\.3\.2-2\]/);
    expect(tracker.received(packet({ cmd: 'publish', topic: 'a/b' }))).toBeNull();
  });

  it('suspects at a close: unanswered packets in the window; a QoS 0 one only when nothing came back after it', () => {
    let now = 0;
    const tracker = createOutgoingTracker(() => now);
    now = 100;
    tracker.sent(packet({ cmd: 'publish', messageId: 0, qos: 0, topic: 'zero' }));
    now = 200;
    tracker.received(packet({ cmd: 'pingresp' }));
    expect(tracker.suspects(300, 3000)).toEqual([]);
    now = 400;
    tracker.sent(packet({ cmd: 'publish', messageId: 0, qos: 0, topic: 'zero-again' }));
    tracker.sent(packet({ cmd: 'publish', messageId: 5, qos: 1, topic: 'one' }));
    expect(tracker.suspects(500, 3000).map((s) => s.topic).sort()).toEqual(['one', 'zero-again']);
    // Outside the window: not the close's reason.
    expect(tracker.suspects(10_000, 3000)).toEqual([]);
    // A new network connection: until it is resent, a stored PUBLISH is no suspect.
    tracker.newNetworkConnection();
    expect(tracker.suspects(500, 3000)).toEqual([]);
    expect(tracker.strike(5)).toBe(1);
    expect(tracker.strike(5)).toBe(2);
  });
});

describe('the $ rule [MQTT-4.7.2-1] applied by the client', () => {
  it('hides a $ topic matched only by a filter that begins with a wildcard', () => {
    expect(deliveredAgainstDollarRule('$SYS/uptime', ['#'])).toBe(true);
    expect(deliveredAgainstDollarRule('$JS/API/INFO', ['+/API/#'])).toBe(true);
    expect(deliveredAgainstDollarRule('$SYS/uptime', ['#', '$SYS/#'])).toBe(false);
    expect(deliveredAgainstDollarRule('plain/topic', ['#'])).toBe(false);
  });

  it('a shared subscription matches with its filter part; no recorded subscription gives no verdict', () => {
    expect(matchingPart('$share/g/$SYS/#')).toBe('$SYS/#');
    expect(deliveredAgainstDollarRule('$SYS/x', ['$share/g/$SYS/#'])).toBe(false);
    expect(deliveredAgainstDollarRule('$SYS/x', ['$share/g/#'])).toBe(true);
    expect(deliveredAgainstDollarRule('$SYS/x', [])).toBe(false);
  });
});
