#!/usr/bin/env node
/**
 * The `mqtt-workbench` command line (issue 17): `pub`, `sub`, `check broker`, `test FILE`, `bench`,
 * `simulate`, `record`, `export`, `replay` and `broker`, on the
 * app's own engine, profiles, secrets and codecs. Built to out/main/mqtt-workbench.js; `npm run cli
 * -- ...` in the repository. `-h` is the host (as mosquitto_pub's), so help is `--help` only.
 */
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { CliFailure, EXIT, EXIT_CODES_HELP } from './cli-connection';
import { createBenchCommand } from './commands/bench';
import { createBrokerCommand } from './commands/broker';
import { createCheckCommand } from './commands/check-broker';
import { createPubCommand } from './commands/pub';
import { createSimulateCommand } from './commands/simulate';
import { createExportCommand } from './commands/export';
import { createRecordCommand } from './commands/record';
import { createReplayCommand } from './commands/replay';
import { createSubCommand } from './commands/sub';
import { createTestCommand } from './commands/test';

/** Every command the same way: --help only, usage errors thrown (exit 2), not printed and exited by commander. */
function configure(command: Command): Command {
  command.helpOption('--help', 'show help for this command').exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) configure(sub);
  return command;
}

export function createProgram(): Command {
  const program = new Command('mqtt-workbench')
    .description('MQTT Workbench on the command line: publish, subscribe, check a broker, run scripted checks, record, export and replay history, simulate devices, load a broker, run the broker')
    .version(version, '--version')
    .addCommand(createPubCommand())
    .addCommand(createSubCommand())
    .addCommand(createCheckCommand())
    .addCommand(createTestCommand())
    .addCommand(createBenchCommand())
    .addCommand(createSimulateCommand())
    .addCommand(createRecordCommand())
    .addCommand(createExportCommand())
    .addCommand(createReplayCommand())
    .addCommand(createBrokerCommand())
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
    await createProgram().parseAsync(process.argv);
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
