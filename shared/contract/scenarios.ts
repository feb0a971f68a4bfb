import { z } from 'zod';
import { empty, errorShape } from './common';

/**
 * The runner's hard limits (issue 17, "Bounded"): a scenario above them is refused before anything
 * connects, whatever its file or the overrides say.
 */
export const SCENARIO_LIMITS = {
  /** Virtual devices in one run. */
  devices: 10_000,
  /** Messages per second of one run, all devices together. */
  messagesPerSecond: 50_000,
  /** The shortest interval between two publishes of one device's entry. */
  minIntervalMs: 1,
  publishEntries: 20,
  responders: 20,
  sparkplugDevicesPerNode: 100,
  sparkplugMetrics: 200,
  /** Runs at once in one app. */
  concurrentRuns: 8,
  /** Devices connecting at the same time while a run starts (the rest wait their turn). */
  concurrentConnects: 100,
  /** Longest run the UI and CLI accept for --duration (a day). */
  durationMs: 86_400_000,
} as const;

const runId = z.string().min(1).max(64);

export const scenarioRunState = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']);

/** Live counters of one run, sent about twice a second while it runs. */
export const scenarioCounters = z.object({
  runId,
  name: z.string(),
  state: scenarioRunState,
  /** `per-device`: one MQTT client per device; `shared`: every device on one connection. */
  connection: z.enum(['per-device', 'shared']),
  /** Where it publishes, e.g. mqtt://127.0.0.1:1883 (no credentials). */
  target: z.string(),
  devices: z.number(),
  devicesConnected: z.number(),
  messagesSent: z.number(),
  /** Over the last second or so. */
  messagesPerSecond: z.number(),
  /** The rate the scenario asks for. */
  plannedPerSecond: z.number(),
  commandsReceived: z.number(),
  repliesSent: z.number(),
  errors: z.number(),
  /** Publishes not made because the connection had not caught up with the ones before. */
  skipped: z.number(),
  lastError: z.string().optional(),
  /** lastError as an error (code, message, params), for the page to say it in the user's language. */
  lastFailure: errorShape.optional(),
  startedAt: z.number(),
  stoppedAt: z.number().optional(),
});
export type ScenarioCounters = z.infer<typeof scenarioCounters>;

export const scenarioProblem = z.object({ path: z.string(), message: z.string() });
export type ScenarioProblemView = z.infer<typeof scenarioProblem>;

export const scenarioSummary = z.object({
  name: z.string(),
  description: z.string(),
  devices: z.number(),
  connection: z.enum(['per-device', 'shared']),
  plannedPerSecond: z.number(),
  sparkplug: z.boolean(),
});
export type ScenarioSummary = z.infer<typeof scenarioSummary>;

const scenarioText = z.string().min(1, 'The scenario is empty').max(512 * 1024, 'A scenario is limited to 512 KB');

export const scenarioSource = z.union([z.object({ builtIn: z.string().min(1).max(100) }).strict(), z.object({ text: scenarioText }).strict()]);

/** Where the devices connect: a saved profile (its host, port, TLS and credentials) or the embedded broker (it must be running). */
export const scenarioTarget = z.discriminatedUnion('kind', [z.object({ kind: z.literal('profile'), profileId: z.string().min(1).max(64) }).strict(), z.object({ kind: z.literal('broker') }).strict()]);

export const scenariosContract = {
  requests: {
    /** The built-in scenarios, with their YAML to start from. */
    builtIns: { input: empty, output: z.object({ scenarios: z.array(scenarioSummary.extend({ text: z.string() })) }) },
    /** Checks a scenario's text; problems name their field (`publish[0].intervalMs`). */
    validate: {
      input: z.object({ text: scenarioText }).strict(),
      output: z.object({ problems: z.array(scenarioProblem), summary: scenarioSummary.optional() }),
    },
    /** Starts a run; refused (INVALID_REQUEST, with each problem in details) above SCENARIO_LIMITS or with an invalid scenario. */
    start: {
      input: z
        .object({
          scenario: scenarioSource,
          target: scenarioTarget,
          devices: z.number().int().min(1).max(SCENARIO_LIMITS.devices).optional(),
          ratePerSecond: z.number().positive().max(SCENARIO_LIMITS.messagesPerSecond).optional(),
          durationMs: z.number().int().min(1).max(SCENARIO_LIMITS.durationMs).optional(),
        })
        .strict(),
      output: scenarioCounters,
    },
    /** Stops a run cleanly (Sparkplug DDEATH/NDEATH, then DISCONNECT); answers once every device is gone. */
    stop: { input: z.object({ runId }).strict(), output: scenarioCounters },
    list: { input: empty, output: z.object({ runs: z.array(scenarioCounters) }) },
  },
  events: {
    /** Every run's counters, about twice a second while one runs, and once more when a run ends. */
    counters: { payload: z.object({ runs: z.array(scenarioCounters) }) },
  },
} as const;
