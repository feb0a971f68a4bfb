/**
 * The scenarios that come with the workbench, as the YAML a user starts from (the UI shows it to
 * edit; `mqtt-workbench simulate sensor-fleet` runs it by name).
 */
import { type ScenarioDefinition, parseScenario } from './definition';

const SENSOR_FLEET = `# Temperature and humidity sensors; each answers a command with an ack.
name: sensor-fleet
description: Sensors report temperature every 2 s and humidity every 5 s; a command on .../cmd is acknowledged on .../ack.
devices: 20
connection: per-device
clientId: "sensor-{{device}}"
variables:
  site: berlin
publish:
  - name: temperature
    topic: "site/{{site}}/sensor/{{device}}/temp"
    payload: '{"sensor":"sensor-{{device}}","temperature":{{randomFloat 18 26 2}},"unit":"C","seq":{{seq}},"ts":{{now}}}'
    intervalMs: 2000
    jitterMs: 200
  - name: humidity
    topic: "site/{{site}}/sensor/{{device}}/humidity"
    payload: '{"sensor":"sensor-{{device}}","humidity":{{random 30 70}},"ts":{{now}}}'
    intervalMs: 5000
    jitterMs: 500
respond:
  - filter: "site/{{site}}/sensor/{{device}}/cmd"
    topic: "site/{{site}}/sensor/{{device}}/ack"
    payload: '{"sensor":"sensor-{{device}}","ack":"{{request.topic}}","ts":{{now}}}'
`;

const SMART_HOME = `# A few homes with lights, a thermostat and a door contact; set commands are answered with the new state.
name: smart-home
description: Homes publish light, thermostat and door states; home/N/<thing>/set is answered on home/N/<thing>/state.
devices: 5
connection: per-device
clientId: "home-{{device}}"
publish:
  - name: living-room light
    topic: "home/{{device}}/living-room/light"
    payload: '{"on":{{pick "true" "false"}},"brightness":{{random 0 100}}}'
    intervalMs: 5000
    jitterMs: 1000
    retain: true
  - name: thermostat
    topic: "home/{{device}}/thermostat"
    payload: '{"current":{{randomFloat 19 23 1}},"target":21,"mode":"{{pick "heat" "eco"}}"}'
    intervalMs: 10000
    jitterMs: 1000
    qos: 1
  - name: front door
    topic: "home/{{device}}/front-door"
    payload: '{{pick "closed" "closed" "closed" "open"}}'
    intervalMs: 15000
    jitterMs: 3000
respond:
  - filter: "home/{{device}}/+/set"
    topic: "home/{{device}}/state"
    payload: '{"applied":"{{request.topic}}","value":{{request.payload}}}'
    qos: 1
`;

const VEHICLE_TELEMETRY = `# Vehicles drive a random track: position, speed, heading and battery, made by a script in the sandbox.
name: vehicle-telemetry
description: Each vehicle reports its GPS position, speed, heading and battery once a second (a QuickJS script keeps each track).
devices: 10
connection: per-device
clientId: "vehicle-{{device}}"
publish:
  - name: telemetry
    topic: "fleet/vehicle-{{device}}/telemetry"
    intervalMs: 1000
    jitterMs: 100
script: |
  // One state per vehicle, kept between calls; tick() runs once per publish.
  var vehicles = {};
  function tick(input) {
    var v = vehicles[input.device];
    if (!v) {
      v = vehicles[input.device] = { lat: 52.52 + input.index * 0.01, lon: 13.405, heading: (input.index * 47) % 360, speed: 30, battery: 100 - (input.index % 20) };
    }
    v.speed = Math.max(0, Math.min(130, v.speed + (Math.random() - 0.5) * 10));
    v.heading = (v.heading + (Math.random() - 0.5) * 20 + 360) % 360;
    var km = v.speed / 3600;
    var rad = v.heading * Math.PI / 180;
    v.lat += (km / 111.32) * Math.cos(rad);
    v.lon += (km / (111.32 * Math.cos(v.lat * Math.PI / 180))) * Math.sin(rad);
    v.battery = Math.max(0, v.battery - 0.002 - v.speed / 50000);
    return {
      vehicle: input.clientId,
      ts: input.now,
      seq: input.seq,
      position: { lat: Number(v.lat.toFixed(6)), lon: Number(v.lon.toFixed(6)) },
      speedKmh: Number(v.speed.toFixed(1)),
      heading: Math.round(v.heading),
      batteryPercent: Number(v.battery.toFixed(2))
    };
  }
`;

const SPARKPLUG_EDGE_NODE = `# Sparkplug B edge nodes: NBIRTH/DBIRTH (bdSeq, seq), NDATA/DDATA, NDEATH as Will; an NCMD Node Control/Rebirth makes them rebirth.
name: sparkplug-edge-node
description: Edge nodes with two devices each publish Sparkplug B births, data every second and deaths; NDEATH is their Will.
devices: 2
connection: per-device
clientId: "{{scenario}}-edge-{{device}}"
sparkplug:
  groupId: Plant1
  edgeNode: "edge-{{device}}"
  devices: [filler, capper]
  nodeMetrics:
    - { name: "Node/CPU", type: Float, value: "{{randomFloat 5 40 1}}" }
  deviceMetrics:
    - { name: Temperature, type: Double, value: "{{randomFloat 60 80 2}}" }
    - { name: Pressure, type: Float, value: "{{randomFloat 1 3 2}}" }
    - { name: Running, type: Boolean, value: '{{pick "true" "true" "true" "false"}}' }
    - { name: Count, type: Int64, value: "{{random 0 100000}}" }
    - { name: Mode, type: String, value: '{{pick "auto" "manual"}}' }
  intervalMs: 1000
  jitterMs: 100
`;

export const BUILT_IN_SCENARIOS: readonly { title: string; text: string }[] = [
  { title: 'Sensor fleet', text: SENSOR_FLEET },
  { title: 'Smart home', text: SMART_HOME },
  { title: 'Vehicle telemetry', text: VEHICLE_TELEMETRY },
  { title: 'Sparkplug B edge node', text: SPARKPLUG_EDGE_NODE },
];

/** A built-in by its name (`sensor-fleet`), parsed; undefined for another name. */
export function builtInScenario(name: string): { text: string; scenario: ScenarioDefinition } | undefined {
  for (const { text } of BUILT_IN_SCENARIOS) {
    const parsed = parseScenario(text);
    if (!parsed.ok) throw new Error(`The built-in scenario is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    if (parsed.scenario.name === name) return { text, scenario: parsed.scenario };
  }
  return undefined;
}

export function builtInNames(): string[] {
  return BUILT_IN_SCENARIOS.map(({ text }) => /^name:\s*(\S+)/m.exec(text)?.[1] ?? '');
}
