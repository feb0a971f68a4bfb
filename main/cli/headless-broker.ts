/**
 * The headless broker's run: start, print one line, stop cleanly on SIGINT/SIGTERM. Kept apart from
 * the command line's other modules so `npm run broker` (out/main/broker.js) loads only the broker:
 * its heap is tuned at start (core/broker/headless-process.ts), before a heavier load grows it.
 */
import { startBrokerFromArgs } from '../core/broker/cli';

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

