/** Scenarios (issue 17, "Simulation"): what the service and the CLI use. */
import { loadQuickJs } from '../../scripts/quickjs-loader';
import { ScriptError, compileUserScript } from '../../scripts/script-sandbox';
import { type ScenarioDefinition, type ScenarioProblem } from './definition';
import { type ScenarioRun, type ScenarioRunOptions, createScenarioRun } from './runner';

export { BUILT_IN_SCENARIOS, builtInNames, builtInScenario } from './built-ins';
export { type ParsedScenario, type ScenarioDefinition, type ScenarioProblem, applyOverrides, describeProblems, parseScenario, totalRate } from './definition';
export type { ScenarioRun } from './runner';
export { createMqttTransport } from './transport';

/** A time limit per tick() call: a simulated payload is small work. */
const TICK_TIME_LIMIT_MS = 50;

/** Compiles the scenario's script (if any) and creates its run; a script that does not compile is a problem with its line. */
export async function prepareScenarioRun(options: Omit<ScenarioRunOptions, 'script'>): Promise<{ ok: true; run: ScenarioRun } | { ok: false; problems: ScenarioProblem[] }> {
  const { scenario } = options;
  if (!scenario.script) return { ok: true, run: createScenarioRun(options) };
  try {
    const script = compileUserScript(scenario.script, { quickjs: await loadQuickJs(), limits: { timeLimitMs: TICK_TIME_LIMIT_MS } });
    if (!script.functions.has('tick') && scenario.publish.some((entry) => entry.payload === undefined)) {
      script.dispose();
      return { ok: false, problems: [{ path: 'script', message: 'the script defines no function tick(input, message)' }] };
    }
    return { ok: true, run: createScenarioRun({ ...options, script }) };
  } catch (error) {
    if (error instanceof ScriptError) {
      const { line, column, message } = error.failure;
      return { ok: false, problems: [{ path: 'script', message: `${message}${line ? ` (line ${line}${column ? `, column ${column}` : ''})` : ''}` }] };
    }
    throw error;
  }
}

/** The one-line summary shown before a run starts. */
export function scenarioSummaryOf(scenario: ScenarioDefinition, plannedPerSecond: number) {
  return { name: scenario.name, description: scenario.description, devices: scenario.devices, connection: scenario.connection, plannedPerSecond: Math.round(plannedPerSecond * 10) / 10, sparkplug: Boolean(scenario.sparkplug) };
}
