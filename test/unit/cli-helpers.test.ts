import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { junitReport, tapReport } from '../../main/core/checks/check-reports';
import { publishPacketSize } from '../../main/core/checks/broker-check';
import { readJsonPath } from '../../main/core/checks/scripted-checks';

describe('CLI helpers', () => {
  it('publishPacketSize matches mqtt-packet\'s encoding at each Remaining Length boundary', () => {
    const topic = 'mqtt-workbench-check/abcd1234/size';
    const overhead = 2 + topic.length + 2;
    for (const remaining of [overhead, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const payloadBytes = remaining - overhead;
      const encoded = mqttPacket.generate({ cmd: 'publish', topic, payload: Buffer.alloc(payloadBytes), qos: 1, messageId: 1, retain: false, dup: false }, { protocolVersion: 4 });
      expect(publishPacketSize(topic, payloadBytes), `remaining ${remaining}`).toBe(encoded.length);
    }
  });

  it('readJsonPath reads dotted and indexed paths, with or without $.', () => {
    const value = { a: { b: [10, { c: 'x' }] }, 'n': null };
    expect(readJsonPath(value, 'a.b[0]')).toBe(10);
    expect(readJsonPath(value, '$.a.b[1].c')).toBe('x');
    expect(readJsonPath(value, 'a.b.1.c')).toBe('x');
    expect(readJsonPath(value, 'n')).toBeNull();
    expect(readJsonPath(value, 'a.missing.deeper')).toBeUndefined();
  });

  it('JUnit XML escapes names and messages; TAP escapes # in descriptions', () => {
    const results = [
      {
        name: 'A <b> & "c"',
        file: 'x.yaml',
        passed: false,
        durationMs: 12,
        steps: [{ index: 1, title: "subscribe a/# 'q'", status: 'failed' as const, durationMs: 12, message: 'payload "<x>" is not "y"' }],
      },
    ];
    const xml = junitReport(results);
    expect(xml).toContain('<testsuite name="A &lt;b&gt; &amp; &quot;c&quot;"');
    expect(xml).toContain('name="1. subscribe a/# &apos;q&apos;"');
    expect(xml).toContain('<failure message="payload &quot;&lt;x&gt;&quot; is not &quot;y&quot;">');
    expect(tapReport(results)).toContain('not ok 1 - A <b> & "c" > 1. subscribe a/\\# \'q\'');
  });
});
