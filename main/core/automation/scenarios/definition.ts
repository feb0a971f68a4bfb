/**
 * A scenario: virtual devices that connect, publish on a schedule and answer commands (issue 17,
 * "Simulation"). Written as YAML or JSON, validated here with zod; every problem names its field
 * (`publish[0].intervalMs: ...`). Bounded by SCENARIO_LIMITS: the runner refuses a scenario above
 * them before anything connects.
 */
import { load as loadYaml } from 'js-yaml';
import { z } from 'zod';
import { SCENARIO_LIMITS } from '../../../../shared/contract/scenarios';
import { expandVariables } from '../../../../shared/templates/message-variables';

const template = z.string().max(64 * 1024, 'A template is limited to 64 KB');
const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const interval = z.number().int().min(SCENARIO_LIMITS.minIntervalMs, `intervalMs is at least ${SCENARIO_LIMITS.minIntervalMs}`).max(86_400_000, 'intervalMs is at most one day');
const jitter = z.number().int().min(0).max(86_400_000);

export const publishEntrySchema = z
  .object({
    /** Shown in logs and handed to the script's tick() as `entry`. */
    name: z.string().max(100).optional(),
    topic: template.min(1, 'topic is required'),
    /** A templated payload; without it the scenario's script's `tick(input, message)` makes each payload. */
    payload: template.optional(),
    qos: qos.default(0),
    retain: z.boolean().default(false),
    intervalMs: interval.default(1000),
    /** Each publish moves by up to ± this many ms from its slot (the rate over time is unchanged). */
    jitterMs: jitter.default(0),
  })
  .strict()
  .refine((entry) => entry.jitterMs < entry.intervalMs || entry.jitterMs === 0, { message: 'jitterMs must be below intervalMs', path: ['jitterMs'] });

export const responderSchema = z
  .object({
    /** A templated topic filter each device subscribes to, e.g. `site/{{site}}/sensor/{{device}}/cmd`. */
    filter: template.min(1, 'filter is required'),
    /** Where the reply goes; without it, the request's MQTT 5 Response Topic. `{{request.topic}}` and `{{request.payload}}` are set. */
    topic: template.optional(),
    payload: template.default('{"ok":true}'),
    qos: qos.default(0),
    retain: z.boolean().default(false),
  })
  .strict();

export const SPARKPLUG_TYPES = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String'] as const;
export type SparkplugMetricType = (typeof SPARKPLUG_TYPES)[number];

export const sparkplugMetricSchema = z
  .object({
    name: z.string().min(1).max(200),
    type: z.enum(SPARKPLUG_TYPES),
    /** A template whose text becomes the value (a number, `true`/`false`, or the text for String). */
    value: template,
  })
  .strict();

export const sparkplugSchema = z
  .object({
    groupId: template.min(1).default('Workbench'),
    /** The edge node id per device of the scenario, e.g. `edge-{{device}}`. */
    edgeNode: template.min(1).default('edge-{{device}}'),
    /** The devices behind each edge node (DBIRTH/DDATA/DDEATH per device). */
    devices: z.array(z.string().min(1).max(200)).max(SCENARIO_LIMITS.sparkplugDevicesPerNode).default([]),
    nodeMetrics: z.array(sparkplugMetricSchema).max(SCENARIO_LIMITS.sparkplugMetrics).default([]),
    deviceMetrics: z.array(sparkplugMetricSchema).max(SCENARIO_LIMITS.sparkplugMetrics).default([]),
    /** NDATA/DDATA period per edge node. */
    intervalMs: interval.default(1000),
    jitterMs: jitter.default(0),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1, 'name is required').max(100),
    description: z.string().max(2000).default(''),
    devices: z.number().int().min(1, 'devices is at least 1').max(SCENARIO_LIMITS.devices, `devices is at most ${SCENARIO_LIMITS.devices.toLocaleString('en')} (the runner's hard limit)`),
    /** `per-device`: each device is its own MQTT client. `shared`: all devices publish on one connection (large fleets). */
    connection: z.enum(['per-device', 'shared']).default('per-device'),
    clientId: template.min(1).default('{{scenario}}-{{device}}'),
    /** The scenario's own variables, e.g. `site: berlin` for `{{site}}`. */
    variables: z.record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'a variable name is letters, digits, _ . -'), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    publish: z.array(publishEntrySchema).max(SCENARIO_LIMITS.publishEntries).default([]),
    respond: z.array(responderSchema).max(SCENARIO_LIMITS.responders).default([]),
    /** JavaScript run in the QuickJS sandbox: `function tick(input, message)` returns a payload (JSON value, text or bytes). */
    script: z.string().max(256 * 1024).optional(),
    sparkplug: sparkplugSchema.optional(),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    if (scenario.publish.length === 0 && !scenario.sparkplug) ctx.addIssue({ code: 'custom', message: 'a scenario publishes something: add publish entries or a sparkplug block', path: ['publish'] });
    if (scenario.sparkplug && scenario.connection === 'shared') ctx.addIssue({ code: 'custom', message: 'a Sparkplug edge node needs its own connection (its NDEATH is its Will): use per-device', path: ['connection'] });
    scenario.publish.forEach((entry, index) => {
      if (entry.payload === undefined && !scenario.script) ctx.addIssue({ code: 'custom', message: 'no payload: give a payload template or a script with tick()', path: ['publish', index, 'payload'] });
    });
    const rate = totalRate(scenario);
    if (Number.isFinite(rate) && rate > SCENARIO_LIMITS.messagesPerSecond) {
      ctx.addIssue({ code: 'custom', message: `${Math.round(rate).toLocaleString('en')} messages/s in all is above the hard limit of ${SCENARIO_LIMITS.messagesPerSecond.toLocaleString('en')}`, path: ['devices'] });
    }
    // Templates are checked once with a sample device, so a typo is reported before anything connects.
    const sample = sampleVariables(scenario);
    const check = (text: string | undefined, path: (string | number)[], extra: Record<string, string> = {}) => {
      if (text === undefined) return;
      const result = expandVariables(text, { seq: 0, variables: { ...sample, ...extra } });
      if (!result.ok) ctx.addIssue({ code: 'custom', message: `${result.problem.message} (column ${result.problem.column})`, path });
    };
    check(scenario.clientId, ['clientId']);
    scenario.publish.forEach((entry, i) => {
      check(entry.topic, ['publish', i, 'topic']);
      check(entry.payload, ['publish', i, 'payload']);
    });
    const request = { 'request.topic': 'a/b', 'request.payload': '' };
    scenario.respond.forEach((entry, i) => {
      check(entry.filter, ['respond', i, 'filter']);
      check(entry.topic, ['respond', i, 'topic'], request);
      check(entry.payload, ['respond', i, 'payload'], request);
    });
    if (scenario.sparkplug) {
      const sp = scenario.sparkplug;
      check(sp.groupId, ['sparkplug', 'groupId']);
      check(sp.edgeNode, ['sparkplug', 'edgeNode']);
      sp.nodeMetrics.forEach((m, i) => check(m.value, ['sparkplug', 'nodeMetrics', i, 'value']));
      sp.deviceMetrics.forEach((m, i) => check(m.value, ['sparkplug', 'deviceMetrics', i, 'value']));
    }
  });

export type ScenarioDefinition = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type PublishEntry = ScenarioDefinition['publish'][number];
export type Responder = ScenarioDefinition['respond'][number];

/** The variables every template of one device sees (beside the scenario's own and the built-ins). */
export function deviceVariables(scenario: Pick<ScenarioDefinition, 'name' | 'devices' | 'variables'>, index: number): Record<string, string> {
  return { ...scenario.variables, scenario: scenario.name, device: String(index + 1), index: String(index), devices: String(scenario.devices) };
}

function sampleVariables(scenario: Pick<ScenarioDefinition, 'name' | 'devices' | 'variables'>): Record<string, string> {
  return { ...deviceVariables(scenario, 0), clientId: 'sample' };
}

/** Messages per second of the whole scenario at its intervals (Sparkplug: NDATA when node metrics, DDATA per device). */
export function totalRate(scenario: Pick<ScenarioDefinition, 'devices' | 'publish' | 'sparkplug'>): number {
  let perDevice = scenario.publish.reduce((sum, entry) => sum + 1000 / entry.intervalMs, 0);
  if (scenario.sparkplug) {
    const messagesPerTick = (scenario.sparkplug.nodeMetrics.length > 0 ? 1 : 0) + (scenario.sparkplug.deviceMetrics.length > 0 ? scenario.sparkplug.devices.length : 0);
    perDevice += (messagesPerTick * 1000) / scenario.sparkplug.intervalMs;
  }
  return perDevice * scenario.devices;
}

export interface ScenarioOverrides {
  devices?: number;
  /** Messages per second of the whole scenario: every interval is scaled to reach it. */
  ratePerSecond?: number;
}

/**
 * The scenario with the user's device count and rate instead of its own, validated again (the
 * limits apply to the result). A rate scales every interval by the same factor.
 */
export function applyOverrides(input: ScenarioInput | ScenarioDefinition, overrides: ScenarioOverrides): ParsedScenario {
  const first = scenarioSchema.safeParse(input);
  if (!first.success) return { ok: false, problems: problemsOf(first.error) };
  const scenario = { ...first.data };
  if (overrides.devices !== undefined) scenario.devices = overrides.devices;
  if (overrides.ratePerSecond !== undefined) {
    if (!(overrides.ratePerSecond > 0)) return { ok: false, problems: [{ path: 'rate', message: 'the rate is a number of messages per second above 0' }] };
    if (overrides.ratePerSecond > SCENARIO_LIMITS.messagesPerSecond) {
      return { ok: false, problems: [{ path: 'rate', message: `${overrides.ratePerSecond.toLocaleString('en')} messages/s is above the hard limit of ${SCENARIO_LIMITS.messagesPerSecond.toLocaleString('en')}` }] };
    }
    const factor = totalRate(scenario) / overrides.ratePerSecond;
    const scale = (ms: number) => Math.max(SCENARIO_LIMITS.minIntervalMs, Math.round(ms * factor));
    scenario.publish = scenario.publish.map((entry) => ({ ...entry, intervalMs: scale(entry.intervalMs), jitterMs: Math.min(entry.jitterMs, scale(entry.intervalMs) - 1) }));
    if (scenario.sparkplug) scenario.sparkplug = { ...scenario.sparkplug, intervalMs: scale(scenario.sparkplug.intervalMs), jitterMs: Math.min(scenario.sparkplug.jitterMs, scale(scenario.sparkplug.intervalMs) - 1) };
  }
  const second = scenarioSchema.safeParse(scenario);
  return second.success ? { ok: true, scenario: second.data } : { ok: false, problems: problemsOf(second.error) };
}

export interface ScenarioProblem {
  /** `publish[0].intervalMs`; empty for the file itself. */
  path: string;
  message: string;
}

export type ParsedScenario = { ok: true; scenario: ScenarioDefinition } | { ok: false; problems: ScenarioProblem[] };

/** `publish[0].intervalMs` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('');
}

function problemsOf(error: z.ZodError): ScenarioProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses YAML or JSON text (JSON is YAML too) and validates it. */
export function parseScenario(text: string): ParsedScenario {
  let value: unknown;
  try {
    value = loadYaml(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: (error as Error).message }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: [{ path: '', message: 'a scenario is a map: name, devices, publish, ...' }] };
  const parsed = scenarioSchema.safeParse(value);
  return parsed.success ? { ok: true, scenario: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

/** Problems as one line each: `publish[0].intervalMs: intervalMs is at least 1`. */
export function describeProblems(problems: readonly ScenarioProblem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n');
}
