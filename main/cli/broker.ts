/**
 * Headless broker: `npm run broker -- [--config mosquitto.conf] [--port 1883] [--ws-port 8083] [--tls-port 8883
 * [--tls-cert FILE --tls-key FILE | --tls-ca-out FILE]] [--host 127.0.0.1] [--allow-anonymous true|false]
 * [--password-file FILE] [--acl-file FILE] [--max-keepalive N] [--max-inflight-messages N] [--max-queued-messages N]
 * [--max-packet-size N] [--message-size-limit N] [--retain-available true|false] [--persistence true|false]
 * [--persistence-location DIR]` (the mosquitto.conf keys of core/broker/config/mosquitto-config.ts). Prints one line,
 * `Broker listening: mqtt://HOST:PORT [ws://HOST:WSPORT] [mqtts://HOST:TLSPORT (CA: FILE)]`, and stops cleanly on
 * SIGINT/SIGTERM. Port 0 picks a free port (the line shows it).
 */
import { startBrokerFromArgs } from '../core/broker/cli';

async function main(): Promise<void> {
  let running: Awaited<ReturnType<typeof startBrokerFromArgs>>;
  try {
    running = await startBrokerFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`Broker failed to start: ${(error as Error).message}`);
    process.exit(2);
  }
  for (const warning of running.warnings) console.error(`Warning: ${warning}`);
  console.log(running.line);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.race([running.stop(), new Promise((r) => setTimeout(r, 3000))]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// One misbehaving client must not take the broker down for everyone else.
process.on('uncaughtException', (error) => console.error('Uncaught exception (broker keeps running):', error));
process.on('unhandledRejection', (error) => console.error('Unhandled rejection (broker keeps running):', error));

void main();
