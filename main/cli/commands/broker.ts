/**
 * `mqtt-workbench broker` (and `npm run broker`): the embedded broker headless. Its options are
 * mosquitto.conf's keys as flags (core/broker/cli.ts), parsed there, so both entries take the same.
 */
import { Command } from 'commander';
import { startBrokerFromArgs } from '../../core/broker/cli';
import { CliFailure, EXIT, EXIT_CODES_HELP } from '../cli-connection';

/** Starts the broker, prints its one line, and stops cleanly on SIGINT/SIGTERM. A bad option throws with the usage. */
export async function runHeadlessBroker(argv: string[]): Promise<void> {
  const running = await startBrokerFromArgs(argv);
  // One misbehaving client must not take the broker down for everyone else.
  process.on('uncaughtException', (error) => console.error('Uncaught exception (broker keeps running):', error));
  process.on('unhandledRejection', (error) => console.error('Unhandled rejection (broker keeps running):', error));
  for (const warning of running.warnings) console.error(`Warning: ${warning}`);
  console.log(running.line);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      // Stop within 3 s even if a client holds the close up.
      void Promise.race([running.stop(), new Promise((r) => setTimeout(r, 3000))]).then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

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
        await runHeadlessBroker(command.args);
      } catch (error) {
        throw new CliFailure(`Broker failed to start: ${(error as Error).message}`, EXIT.usage);
      }
    });
}
