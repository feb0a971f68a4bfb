import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, SCENARIO_LIMITS, type ScenarioCounters, WorkbenchFailure, connectionOptions } from '../../../shared/contract';
import {
  BUILT_IN_SCENARIOS,
  type ParsedScenario,
  type ScenarioRun,
  applyOverrides,
  builtInScenario,
  createMqttTransport,
  describeProblems,
  parseScenario,
  prepareScenarioRun,
  scenarioSummaryOf,
  totalRate,
} from '../automation/scenarios';
import type { EventHub } from '../rpc/event-hub';
import type { ChannelsOf, Service } from './service';

const COUNTERS_PERIOD_MS = 500;
/** Ended runs kept for the list (their last counters). */
const KEEP_ENDED = 10;
/** How long scenarios.start waits for the first devices before answering (the rest connect behind it). */
const START_ANSWER_MS = 3000;

export interface ScenariosServiceOptions {
  events: EventHub;
  /** A saved profile's options with its secrets. */
  profileOptions(profileId: string): ConnectionOptions;
  /** Where the embedded broker listens, when it runs. */
  embeddedBroker(): Promise<{ host: string; port: number; authRequired: boolean } | undefined>;
}

/** Simulated devices (scenarios.*): runs started from the UI against a profile or the embedded broker. */
export function createScenariosService(options: ScenariosServiceOptions): Service<ChannelsOf<'scenarios'>> {
  const { events } = options;
  const active = new Map<string, ScenarioRun>();
  const ended: ScenarioCounters[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;

  function all(): ScenarioCounters[] {
    return [...[...active.values()].map((run) => run.counters()), ...ended];
  }
  function emit(): void {
    events.emit('scenarios.counters', { runs: all() });
  }
  function watch(): void {
    timer ??= setInterval(() => {
      emit();
      if (active.size === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    }, COUNTERS_PERIOD_MS);
  }

  async function targetOptions(target: { kind: 'profile'; profileId: string } | { kind: 'broker' }): Promise<ConnectionOptions> {
    if (target.kind === 'profile') return options.profileOptions(target.profileId);
    const broker = await options.embeddedBroker();
    if (!broker) throw new WorkbenchFailure('NOT_CONNECTED', 'The embedded broker is not running: start it in the Broker view first', { reason: 'brokerNotRunning' });
    if (broker.authRequired) throw new WorkbenchFailure('INVALID_REQUEST', 'The embedded broker requires a user name and password: save a profile with them and run the scenario against it', { reason: 'brokerNeedsLogin' });
    const host = broker.host === '0.0.0.0' || broker.host === '::' ? '127.0.0.1' : broker.host;
    return connectionOptions.parse({ host, port: broker.port, protocol: 'mqtt', protocolVersion: 5 });
  }

  function refuse(parsed: Extract<ParsedScenario, { ok: false }>): never {
    const problems = describeProblems(parsed.problems);
    throw new WorkbenchFailure('INVALID_REQUEST', `The scenario is not valid:\n${problems}`, { reason: 'scenarioInvalid', detail: problems });
  }

  return {
    handlers: {
      'scenarios.builtIns': () => ({
        scenarios: BUILT_IN_SCENARIOS.map(({ text }) => {
          const parsed = parseScenario(text);
          if (!parsed.ok) refuse(parsed);
          return { ...scenarioSummaryOf(parsed.scenario, totalRate(parsed.scenario)), text };
        }),
      }),
      'scenarios.validate': ({ text }) => {
        const parsed = parseScenario(text);
        return parsed.ok ? { problems: [], summary: scenarioSummaryOf(parsed.scenario, totalRate(parsed.scenario)) } : { problems: parsed.problems };
      },
      'scenarios.start': async ({ scenario: source, target, devices, ratePerSecond, durationMs }) => {
        if (active.size >= SCENARIO_LIMITS.concurrentRuns) throw new WorkbenchFailure('INVALID_REQUEST', `At most ${SCENARIO_LIMITS.concurrentRuns} scenarios run at once: stop one first`, { reason: 'tooManyRuns', limit: SCENARIO_LIMITS.concurrentRuns });
        let parsed: ParsedScenario;
        if ('builtIn' in source) {
          const found = builtInScenario(source.builtIn);
          if (!found) throw new WorkbenchFailure('NOT_FOUND', `No built-in scenario named ${source.builtIn}`, { reason: 'noScenario', name: source.builtIn });
          parsed = { ok: true, scenario: found.scenario };
        } else parsed = parseScenario(source.text);
        if (!parsed.ok) refuse(parsed);
        const bounded = applyOverrides(parsed.scenario, { ...(devices !== undefined ? { devices } : {}), ...(ratePerSecond !== undefined ? { ratePerSecond } : {}) });
        if (!bounded.ok) refuse(bounded);
        const runId = randomUUID();
        const prepared = await prepareScenarioRun({
          runId,
          scenario: bounded.scenario,
          transport: createMqttTransport(await targetOptions(target)),
          ...(durationMs !== undefined ? { durationMs } : {}),
          onEnd(last) {
            active.delete(runId);
            ended.unshift(last);
            ended.length = Math.min(ended.length, KEEP_ENDED);
            emit();
          },
        });
        if (!prepared.ok) refuse(prepared);
        const { run } = prepared;
        active.set(runId, run);
        watch();
        const started = run.start().catch((error: unknown) => console.warn(`Scenario ${bounded.scenario.name} failed to start: ${(error as Error).message}`));
        let wait: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([started, run.ended, new Promise((resolve) => (wait = setTimeout(resolve, START_ANSWER_MS)))]);
        clearTimeout(wait);
        emit();
        return run.counters();
      },
      'scenarios.stop': async ({ runId }) => {
        const run = active.get(runId);
        if (!run) {
          const last = ended.find((counters) => counters.runId === runId);
          if (last) return last;
          throw new WorkbenchFailure('NOT_FOUND', `No scenario run ${runId}`, { reason: 'noScenarioRun', id: runId });
        }
        await run.stop();
        return run.counters();
      },
      'scenarios.list': () => ({ runs: all() }),
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await Promise.all([...active.values()].map((run) => run.stop()));
    },
  };
}
