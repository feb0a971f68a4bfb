/**
 * `mqtt-workbench simulate SCENARIO`: virtual devices from a built-in scenario or a YAML/JSON file,
 * with live counters on a terminal (one line rewritten) and plain lines when piped, or `--json`
 * (one JSON object per line). Exits 0 after --duration or on SIGINT/SIGTERM, once every device has
 * stopped cleanly (Sparkplug DDEATH/NDEATH, DISCONNECT).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { COMMAND_SUMMARIES } from '../command-summaries';
import { SCENARIO_LIMITS, type ScenarioCounters } from '../../../shared/contract/scenarios';
import { applyOverrides, builtInNames, builtInScenario, createMqttTransport, describeProblems, parseScenario, prepareScenarioRun, type ParsedScenario } from '../../core/automation/scenarios';
import { CliFailure, EXIT, EXIT_CODES_HELP, type ConnectionFlags, addConnectionFlags, integerFlag, resolveConnection } from '../cli-connection';

interface SimulateFlags extends ConnectionFlags {
  devices?: string;
  rate?: string;
  duration?: string;
  json?: boolean;
  interval?: string;
}

/** `10s`, `2m`, `500ms`, `1h` or plain seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliFailure(`--duration takes a time such as 30s, 5m, 1h or 500ms (got ${value})`, EXIT.usage);
  const ms = Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (ms < 1 || ms > SCENARIO_LIMITS.durationMs) throw new CliFailure(`--duration is from 1 ms to 24 h (got ${value})`, EXIT.usage);
  return Math.round(ms);
}

function loadScenario(name: string): ParsedScenario {
  const builtIn = builtInScenario(name);
  if (builtIn) return { ok: true, scenario: builtIn.scenario };
  if (!existsSync(name)) throw new CliFailure(`${name} is neither a built-in scenario (${builtInNames().join(', ')}) nor a file`, EXIT.usage);
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    throw new CliFailure(`${name}: ${(error as Error).message}`, EXIT.usage);
  }
  return parseScenario(text);
}

function line(c: ScenarioCounters, elapsedMs: number): string {
  const errors = c.errors > 0 ? ` errors ${c.errors}${c.lastError ? ` (last: ${c.lastError})` : ''}` : '';
  return `${(elapsedMs / 1000).toFixed(1)}s ${c.state} devices ${c.devicesConnected}/${c.devices} sent ${c.messagesSent} rate ${c.messagesPerSecond.toFixed(1)}/s (planned ${c.plannedPerSecond}/s)${c.commandsReceived > 0 ? ` commands ${c.commandsReceived} replies ${c.repliesSent}` : ''}${c.skipped > 0 ? ` skipped ${c.skipped}` : ''}${errors}`;
}

export function createSimulateCommand(): Command {
  const command = new Command('simulate')
    .description(COMMAND_SUMMARIES.simulate.description)
    .argument('<scenario>', `a built-in (${builtInNames().join(', ')}) or a scenario file`);
  addConnectionFlags(command)
    .option('--devices <n>', `devices instead of the scenario's count (at most ${SCENARIO_LIMITS.devices})`)
    .option('--rate <msgs>', `messages per second of all devices together, instead of the scenario's intervals (at most ${SCENARIO_LIMITS.messagesPerSecond})`)
    .option('--duration <time>', 'stop after this long (30s, 5m, 1h, 500ms); without it, run until Ctrl+C')
    .option('--interval <ms>', 'how often counters are printed (default 1000)')
    .option('--json', 'print counters as one JSON object per line')
    .addHelpText(
      'after',
      `
Each device is its own MQTT client (connection: per-device), or all devices share one connection
(connection: shared in the file, for large fleets). Hard limits: ${SCENARIO_LIMITS.devices.toLocaleString('en')} devices and
${SCENARIO_LIMITS.messagesPerSecond.toLocaleString('en')} messages/s per run. On a terminal the counters line is rewritten in place;
piped, one line per interval and a last line with the totals. Client ids come from the scenario's
clientId template (-i is not used).

Examples:
  mqtt-workbench simulate sensor-fleet -p 1883 --duration 30s
  mqtt-workbench simulate sparkplug-edge-node --profile "Plant broker"
  mqtt-workbench simulate ./my-devices.yaml --devices 500 --rate 1000 --json
${EXIT_CODES_HELP}`,
    )
    .action(async (name: string, flags: SimulateFlags) => {
      const { devices, rate, duration, json, interval, ...connection } = flags;
      const loaded = loadScenario(name);
      if (!loaded.ok) throw new CliFailure(`${name} is not a valid scenario:\n${describeProblems(loaded.problems)}`, EXIT.usage);
      const deviceCount = integerFlag(devices, '--devices', 1, SCENARIO_LIMITS.devices);
      const ratePerSecond = rate === undefined ? undefined : Number(rate);
      if (ratePerSecond !== undefined && !(ratePerSecond > 0)) throw new CliFailure(`--rate takes messages per second above 0 (got ${rate})`, EXIT.usage);
      const bounded = applyOverrides(loaded.scenario, { ...(deviceCount !== undefined ? { devices: deviceCount } : {}), ...(ratePerSecond !== undefined ? { ratePerSecond } : {}) });
      if (!bounded.ok) throw new CliFailure(`The scenario is refused:\n${describeProblems(bounded.problems)}`, EXIT.usage);
      const durationMs = duration === undefined ? undefined : parseDuration(duration);
      const every = integerFlag(interval, '--interval', 100, 3_600_000) ?? 1000;
      const { options } = resolveConnection(connection);
      const prepared = await prepareScenarioRun({ runId: randomUUID(), scenario: bounded.scenario, transport: createMqttTransport(options), ...(durationMs !== undefined ? { durationMs } : {}) });
      if (!prepared.ok) throw new CliFailure(`The scenario is refused:\n${describeProblems(prepared.problems)}`, EXIT.usage);
      const { run } = prepared;
      const tty = Boolean(process.stdout.isTTY) && !json;
      const began = Date.now();
      const print = (final = false) => {
        const counters = run.counters();
        if (json) process.stdout.write(`${JSON.stringify({ ...counters, elapsedMs: Date.now() - began })}\n`);
        else if (tty) process.stdout.write(`\r\x1b[2K${line(counters, Date.now() - began)}${final ? '\n' : ''}`);
        else process.stdout.write(`${line(counters, Date.now() - began)}\n`);
      };
      const s = bounded.scenario;
      process.stderr.write(`Simulating ${s.name}: ${s.devices} device${s.devices === 1 ? '' : 's'} (${s.connection === 'shared' ? 'one shared connection' : 'one connection each'}) to ${createMqttTransport(options).target}${durationMs !== undefined ? ` for ${durationMs / 1000} s` : '; Ctrl+C stops'}\n`);
      const stop = () => void run.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const ticker = setInterval(() => print(), every);
      try {
        await run.start();
        if (run.counters().state === 'failed') {
          print(true);
          throw new CliFailure(`Could not run the scenario: ${run.counters().lastError ?? 'it failed'}`, EXIT.noConnection);
        }
        process.stderr.write(`Started: ${run.counters().devicesConnected} of ${s.devices} devices connected\n`);
        await run.ended;
        print(true);
      } finally {
        clearInterval(ticker);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
  return command;
}
