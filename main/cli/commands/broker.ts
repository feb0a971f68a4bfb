/**
 * `mqtt-workbench broker` (and `npm run broker`): the embedded broker headless. Its options are
 * mosquitto.conf's keys as flags (core/broker/cli.ts), parsed there, so both entries take the same.
 */
import { Command } from 'commander';
import { CliFailure, EXIT, EXIT_CODES_HELP } from '../cli-flags';

export function createBrokerCommand(): Command {
  return new Command('broker')
    .description('Run the embedded MQTT 5 broker headless (mosquitto.conf keys as flags)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Options (mosquitto.conf's names): --config mosquitto.conf, --port 1883 (0: a free port), --ws-port 8083,
--tls-port 8883 with --tls-cert FILE --tls-key FILE (or --tls-ca-out FILE for a generated pair),
--host 127.0.0.1, --allow-anonymous, --password-file, --acl-file, --max-keepalive,
--max-inflight-messages, --max-queued-messages, --max-packet-size, --message-size-limit,
--retain-available, --persistence, --persistence-location.
Prints one line, "Broker listening: mqtt://HOST:PORT ...", and stops cleanly on Ctrl+C or SIGTERM.

Examples:
  mqtt-workbench broker --port 1883
  mqtt-workbench broker --port 0 --ws-port 8083 --max-packet-size 65536
  mqtt-workbench broker --config /etc/mosquitto/mosquitto.conf
${EXIT_CODES_HELP}`,
    )
    .action(async (_options: unknown, command: Command) => {
      try {
        // The broker is loaded when it runs, not for --help or another command (issue 19).
        const { runHeadlessBroker } = await import('../headless-broker');
        await runHeadlessBroker(command.args);
      } catch (error) {
        throw new CliFailure(`Broker failed to start: ${(error as Error).message}`, EXIT.usage);
      }
    });
}
