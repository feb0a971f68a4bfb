'use strict';
// Bench only: `node net-floor-peer.cjs` is the floor for a broker written on Node (issue 19): a bare
// `net` server that answers every CONNECT with a fixed CONNACK and keeps nothing of its own per
// connection (no parser, session, timer or map entry): what Node's own socket costs. Same heap
// setting as the headless broker (headless-process.ts: --semi-space-growth-factor=1) and the same
// `--stats-ipc` answer, so the bench prints its memory breakdown beside ours. It does not collect
// after a connect storm as the headless broker does (its 15 s figure is V8's own doing). Prints
// `floor listening: PORT`.
const net = require('node:net');
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--semi-space-growth-factor=1');
// as headless-process.ts: a full collection for the bench's idle reading ({ collect: true })
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc');
const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

function onData(chunk) {
  if (chunk[0] >> 4 === 1) this.write(CONNACK);
}
function ignore() {}

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', onData);
  socket.on('error', ignore);
});
server.listen(Number(process.argv[process.argv.indexOf('--port') + 1]) || 0, '127.0.0.1', () => {
  process.stdout.write(`floor listening: ${server.address().port}\n`);
});

if (process.send && process.channel) {
  process.channel.unref();
  process.on('message', (message) => {
    if (!message || message.type !== 'broker-stats') return;
    if (message.collect === true) {
      collect();
      collect(); // the second compacts what the first left fragmented
    }
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
