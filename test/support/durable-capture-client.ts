/**
 * Child process for engine-durable-capture.test.ts: a real workbench core with History in a data
 * folder, one persistent-session connection with durable capture on, subscribed to durable/# at
 * QoS 1. Prints `ready` once subscribed and `received N` as messages arrive, until it is killed.
 * Run as: node -r main/core/history/ts-worker-bootstrap.cjs test/support/durable-capture-client.ts <dataDir> <port> <durable 0|1>
 */
import { createWorkbenchCore } from '../../main/core/create-core';

async function main(): Promise<void> {
  const [dataDir, port, durable] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: durable-capture-client.ts <dataDir> <port> <durable 0|1>');
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, secretsProtection: 'test' });
  let received = 0;
  core.events.subscribe((channel, payload) => {
    if (channel !== 'messages.batch') return;
    received += (payload as { messages: { direction: string }[] }).messages.filter((m) => m.direction === 'in').length;
    process.stdout.write(`received ${received}\n`);
  });
  const connect = await core.dispatcher.handle('connections.connect', {
    protocol: 'mqtt',
    host: '127.0.0.1',
    port: Number(port),
    protocolVersion: 5,
    clientId: 'durable-capture-test',
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    durableCapture: durable === '1',
  });
  if (!connect.ok) throw new Error(connect.error.message);
  const { connectionId } = connect.value as { connectionId: string };
  const subscribed = await core.dispatcher.handle('messages.subscribe', { connectionId, filter: 'durable/#', qos: 1 });
  if (!subscribed.ok) throw new Error(subscribed.error.message);
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void core.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
