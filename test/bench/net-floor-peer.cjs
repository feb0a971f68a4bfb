'use strict';
// Bench only: `node net-floor-peer.cjs` is the floor for a broker written on Node (issue 19): a bare
// `net` server that answers every CONNECT with a fixed CONNACK and keeps nothing of its own per
// connection (no parser, session, timer or map entry): what Node's own socket costs. Same heap
// setting as the headless broker (headless-process.ts: --semi-space-growth-factor=1) and the same
// `--stats-ipc` answer, so the bench prints its memory breakdown beside ours. Prints
// `floor listening: PORT`.
const net = require('node:net');
const v8 = require('node:v8');

v8.setFlagsFromString('--semi-space-growth-factor=1');
const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

function onData(chunk) {
  if (chunk[0] >> 4 === 1) this.write(CONNACK);
}
function ignore() {}

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', onData);
  socket.on('error', ignore);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`floor listening: ${server.address().port}\n`);
});

if (process.send && process.channel) {
  process.channel.unref();
  process.on('message', (message) => {
    if (!message || message.type !== 'broker-stats') return;
    const memory = process.memoryUsage();
    const spaces = {};
    for (const space of v8.getHeapSpaceStatistics()) spaces[space.space_name] = { size: space.space_size, used: space.space_used_size };
    server.getConnections((_error, connections) => {
      process.send({
        type: 'broker-stats',
        id: message.id,
        stats: { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers, spaces, connections },
      });
    });
  });
}

const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
