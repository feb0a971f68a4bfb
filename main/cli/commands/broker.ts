import { Command } from 'commander';
import { startBrokerFromArgs } from '../../core/broker/cli';
import { CliFailure, EXIT } from '../cli-connection';

/**
 * `mqtt-workbench broker`: the headless embedded broker, the same as `npm run broker` (its flags are
 * parsed by core/broker/cli.ts, so both stay one command). Runs until SIGINT/SIGTERM.
 */
export function createBrokerCommand(): Command {
  return (
    new Command('broker')
      .description('Run the embedded MQTT 5 broker without the UI (TCP, WebSocket, TLS listeners) until stopped')
      // The flags are the broker's own (mosquitto.conf keys as flags), passed on as they are.
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText(
        'after',
        `
Flags: --config mosquitto.conf, --port N (1883; 0 picks a free port), --ws-port N, --host ADDRESS (127.0.0.1),
--tls-port N with --tls-cert FILE --tls-key FILE, or a generated certificate (--tls-ca-out FILE writes its CA),
and these mosquitto.conf keys as flags: --allow-anonymous, --password-file, --acl-file, --max-keepalive,
--max-inflight-messages, --max-queued-messages, --max-packet-size, --message-size-limit,
--retain-available, --persistence, --persistence-location.
Prints one line, "Broker listening: mqtt://HOST:PORT [ws://...] [mqtts://...]", when it listens.

Examples:
  mqtt-workbench broker --port 1883 --ws-port 8083
  mqtt-workbench broker --port 0 --tls-port 8883 --tls-ca-out ca.pem
  mqtt-workbench broker --config mosquitto.conf

Exit codes:
  0  stopped by SIGINT/SIGTERM
  2  could not start: a bad flag or configuration, or a port already in use
`,
      )
      .action(async (_flags: unknown, command: Command) => {
        let running: Awaited<ReturnType<typeof startBrokerFromArgs>>;
        try {
          running = await startBrokerFromArgs(command.args);
        } catch (error) {
          throw new CliFailure(`Broker failed to start: ${(error as Error).message}`, EXIT.usage);
        }
        // One misbehaving client must not take the broker down for everyone else.
        process.on('uncaughtException', (error) => console.error('Uncaught exception (broker keeps running):', error));
        process.on('unhandledRejection', (error) => console.error('Unhandled rejection (broker keeps running):', error));
        for (const warning of running.warnings) console.error(`Warning: ${warning}`);
        console.log(running.line);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        // A client that does not let go does not hold the exit for more than 3 s.
        await Promise.race([running.stop(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      })
  );
}
