#!/usr/bin/env node
/**
 * The `mqtt-workbench` command line (issue 17): `pub`, `sub`, `check broker`, `test FILE`, `bench`,
 * `simulate`, `record`, `export`, `replay` and `broker`, on the
 * app's own engine, profiles, secrets and codecs. Built to out/main/mqtt-workbench.js; `npm run cli
 * -- ...` in the repository. `-h` is the host (as mosquitto_pub's), so help is `--help` only.
 */
import { Command, CommanderError, Help } from 'commander';
import { version } from '../../package.json';
import { CliFailure, EXIT, EXIT_CODES_HELP } from './cli-flags';
import { COMMAND_SUMMARIES } from './command-summaries';

/**
 * Every command, each module imported only when it is needed (issue 19): the command that runs, or
 * all of them for the top-level help. A command whose definition itself loads the engine or History
 * (its flags' help names built-in scenarios or store options) is listed there by `summary` instead.
 */
const COMMANDS: Array<{ name: string; load: () => Promise<Command>; summary?: { term: string; description: string } }> = [
  { name: 'pub', load: async () => (await import('./commands/pub')).createPubCommand() },
  { name: 'sub', load: async () => (await import('./commands/sub')).createSubCommand() },
  { name: 'check', load: async () => (await import('./commands/check-broker')).createCheckCommand() },
  { name: 'test', load: async () => (await import('./commands/test')).createTestCommand() },
  { name: 'bench', load: async () => (await import('./commands/bench')).createBenchCommand() },
  {
    name: 'simulate',
    load: async () => (await import('./commands/simulate')).createSimulateCommand(),
    summary: COMMAND_SUMMARIES.simulate,
  },
  {
    name: 'record',
    load: async () => (await import('./commands/record')).createRecordCommand(),
    summary: COMMAND_SUMMARIES.record,
  },
  {
    name: 'export',
    load: async () => (await import('./commands/export')).createExportCommand(),
    summary: COMMAND_SUMMARIES.export,
  },
  {
    name: 'replay',
    load: async () => (await import('./commands/replay')).createReplayCommand(),
    summary: COMMAND_SUMMARIES.replay,
  },
  { name: 'broker', load: async () => (await import('./commands/broker')).createBrokerCommand() },
];

/** Every command the same way: --help only, usage errors thrown (exit 2), not printed and exited by commander. */
function configure(command: Command): Command {
  command.helpOption('--help', 'show help for this command').exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) configure(sub);
  return command;
}

/** The program for these arguments: the named command in full, the others only as far as the top-level help needs them. */
export async function createProgram(argv: string[] = process.argv): Promise<Command> {
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const running = COMMANDS.find((entry) => entry.name === named);
  const terms = new Map<string, string>();
  const commands = await Promise.all(
    COMMANDS.map(async (entry) => {
      if (entry === running || (!running && !entry.summary)) return entry.load();
      if (entry.summary) terms.set(entry.name, entry.summary.term);
      return new Command(entry.name).description(entry.summary?.description ?? '');
    }),
  );
  const program = new Command('mqtt-workbench')
    .description('MQTT Workbench on the command line: publish, subscribe, check a broker, run scripted checks, record, export and replay history, simulate devices, load a broker, run the broker')
    .version(version, '--version')
    .configureHelp({ subcommandTerm: (command) => terms.get(command.name()) ?? new Help().subcommandTerm(command) });
  for (const command of commands) program.addCommand(command);
  program
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench pub -t hello -m world
  mqtt-workbench sub -t '#' --output ndjson -C 10
  mqtt-workbench check broker -h broker.example --json
  mqtt-workbench test checks.yaml --junit results.xml
  mqtt-workbench simulate sensor-fleet -p 1883 --duration 30s
  mqtt-workbench bench pub -c 10 -n 1000000
  mqtt-workbench record --url mqtt://broker:1883 -t 'plant/#' --store postgres://recorder@db/mqtt_history
  mqtt-workbench export --store capture.db -t 'plant/#' --since 1h -o last-hour.ndjson
  mqtt-workbench replay --store capture.db -p 1883 --fast
  mqtt-workbench broker --port 1883 --ws-port 8083
Each command's --help has its own examples and exit codes.
${EXIT_CODES_HELP}`,
    );
  return configure(program);
}

// A reader that went away (`sub ... | head -1`) ends the command quietly, as SIGPIPE ends mosquitto_sub.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? Number(process.exitCode ?? 0) : EXIT.failed));

async function main(): Promise<void> {
  try {
    await (await createProgram()).parseAsync(process.argv);
    process.exitCode = process.exitCode ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version are successes; anything else commander throws is a usage error (already printed).
      process.exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    } else if (error instanceof CliFailure) {
      console.error(error.message);
      process.exitCode = error.exitCode;
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = EXIT.failed;
    }
  }
  // mqtt.js or a stdin reader may hold the loop open after the work is done; stdout is flushed first.
  const code = Number(process.exitCode ?? 0);
  process.stdout.write('', () => process.exit(code));
}

void main();
