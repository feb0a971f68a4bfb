/**
 * Headless broker: `npm run broker -- [--config mosquitto.conf] [--port 1883] [--ws-port 8083] [--tls-port 8883
 * [--tls-cert FILE --tls-key FILE | --tls-ca-out FILE]] [--host 127.0.0.1] [--allow-anonymous true|false]
 * [--password-file FILE] [--acl-file FILE] [--max-keepalive N] [--max-inflight-messages N] [--max-queued-messages N]
 * [--max-packet-size N] [--message-size-limit N] [--retain-available true|false] [--persistence true|false]
 * [--persistence-location DIR]` (the mosquitto.conf keys of core/broker/config/mosquitto-config.ts). Prints one line,
 * `Broker listening: mqtt://HOST:PORT [ws://HOST:WSPORT] [mqtts://HOST:TLSPORT (CA: FILE)]`, and stops cleanly on
 * SIGINT/SIGTERM. Port 0 picks a free port (the line shows it).
 */
import { runHeadlessBroker } from './commands/broker';

async function main(): Promise<void> {
  try {
    await runHeadlessBroker(process.argv.slice(2));
  } catch (error) {
    console.error(`Broker failed to start: ${(error as Error).message}`);
    process.exit(2);
  }
  process.exit(0);
}

void main();
