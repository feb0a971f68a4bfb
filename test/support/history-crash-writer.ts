/**
 * Child process for history-crash.test.ts: writes messages through the real history service as
 * fast as it can and prints `written N` after every commit, until it is killed.
 * Run as: node -r main/core/history/ts-worker-bootstrap.cjs test/support/history-crash-writer.ts <db>
 */
import { createHistory } from '../../main/core/history/create-history';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: history-crash-writer.ts <db path>');
  const history = await createHistory({ path });
  history.onEvent((event) => {
    if (event.type === 'flushed') process.stdout.write(`written ${event.written}\n`);
  });
  let seq = 0;
  const filler = 'x'.repeat(40);
  const burst = (): void => {
    for (let i = 0; i < 2000; i++, seq++) {
      history.append('crash', {
        direction: 'in',
        topic: `load/${seq % 100}`,
        payload: Buffer.from(`${seq} ${filler}`),
        qos: 0,
        retain: false,
        dup: false,
        timestamp: Date.now(),
      });
    }
    setImmediate(burst);
  };
  process.stdout.write('started\n');
  burst();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
