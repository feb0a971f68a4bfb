import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS, applyOverrides, builtInNames, builtInScenario, parseScenario, totalRate } from '../../main/core/automation/scenarios';
import { SCENARIO_LIMITS } from '../../shared/contract/scenarios';

/** Scenario files (issue 17, "Simulation"): YAML or JSON, validated with zod, problems named by field; the hard limits. */

const problemsOf = (text: string) => {
  const parsed = parseScenario(text);
  if (parsed.ok) throw new Error('the scenario was accepted');
  return parsed.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('scenario definitions', () => {
  it('reads YAML and JSON alike, filling defaults', () => {
    const yaml = parseScenario('name: t\ndevices: 3\npublish:\n  - topic: "a/{{device}}"\n    payload: x\n');
    const json = parseScenario(JSON.stringify({ name: 't', devices: 3, publish: [{ topic: 'a/{{device}}', payload: 'x' }] }));
    expect(yaml.ok && json.ok).toBe(true);
    if (!yaml.ok || !json.ok) return;
    expect(yaml.scenario).toEqual(json.scenario);
    expect(yaml.scenario.connection).toBe('per-device');
    expect(yaml.scenario.publish[0]).toMatchObject({ qos: 0, retain: false, intervalMs: 1000, jitterMs: 0 });
    expect(totalRate(yaml.scenario)).toBe(3);
  });

  it('names the field of each problem, templates included', () => {
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: a\n    payload: x\n    intervalMs: 0\n')).toEqual(['publish[0].intervalMs: intervalMs is at least 1']);
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: "a/{{devcie}}"\n    payload: x\n')).toEqual(['publish[0].topic: Unknown variable: devcie (column 5)']);
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: a\n    payload: "{{random 5}}"\n')[0]).toMatch(/^publish\[0\]\.payload: random takes two whole numbers/);
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: a\n    payload: x\n    jitterMs: 2000\n')).toEqual(['publish[0].jitterMs: jitterMs must be below intervalMs']);
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: a\n    colour: red\n')[0]).toMatch(/^publish\[0\]: Unrecognized key/);
    expect(problemsOf('name: t\ndevices: 2\npublish:\n  - topic: a\n')).toEqual(['publish[0].payload: no payload: give a payload template or a script with tick()']);
    expect(problemsOf('name: t\ndevices: 2\nconnection: shared\nsparkplug: {}\n')).toEqual(['connection: a Sparkplug edge node needs its own connection (its NDEATH is its Will): use per-device']);
    expect(problemsOf('name: [unclosed\n')[0]).toMatch(/^: unexpected end of the stream within a flow collection \(2:1\)/);
  });

  it('refuses more devices or a higher rate than the hard limits, also through overrides', () => {
    expect(problemsOf(`name: t\ndevices: ${SCENARIO_LIMITS.devices + 1}\npublish: [{ topic: a, payload: x, intervalMs: 60000 }]\n`)).toEqual(['devices: devices is at most 10,000 (the runner\'s hard limit)']);
    // 10,000 devices at 10 ms: 1,000,000 msg/s.
    expect(problemsOf('name: t\ndevices: 10000\npublish: [{ topic: a, payload: x, intervalMs: 10 }]\n')).toEqual(['devices: 1,000,000 messages/s in all is above the hard limit of 50,000']);
    const base = parseScenario('name: t\ndevices: 10\npublish: [{ topic: a, payload: x, intervalMs: 1000, jitterMs: 100 }]\n');
    if (!base.ok) throw new Error('invalid');
    const tooMany = applyOverrides(base.scenario, { devices: 20_000 });
    expect(tooMany.ok).toBe(false);
    const tooFast = applyOverrides(base.scenario, { ratePerSecond: 60_000 });
    expect(tooFast.ok ? [] : tooFast.problems.map((p) => p.path)).toEqual(['rate']);
    // A rate scales every interval: 10 devices at 200 msg/s in all is one publish per 50 ms each.
    const scaled = applyOverrides(base.scenario, { devices: 10, ratePerSecond: 200 });
    expect(scaled.ok && scaled.scenario.publish[0]).toMatchObject({ intervalMs: 50, jitterMs: 49 });
    expect(scaled.ok && totalRate(scaled.scenario)).toBe(200);
  });

  it('ships valid built-ins: sensor fleet, smart home, vehicle telemetry, Sparkplug B edge node', () => {
    expect(builtInNames()).toEqual(['sensor-fleet', 'smart-home', 'vehicle-telemetry', 'sparkplug-edge-node']);
    for (const { text } of BUILT_IN_SCENARIOS) expect(parseScenario(text).ok).toBe(true);
    expect(builtInScenario('sparkplug-edge-node')?.scenario.sparkplug?.devices).toEqual(['filler', 'capper']);
    expect(builtInScenario('vehicle-telemetry')?.scenario.script).toContain('function tick');
    expect(builtInScenario('nope')).toBeUndefined();
  });
});
