'use strict';
// Bench only: `node aedes-peer.cjs [port]` starts aedes (a devDependency, the most-used Node MQTT
// broker) on 127.0.0.1 in its own process and prints `aedes listening: PORT`. It is the peer that
// `npm run bench -- broker` measures our broker against; app code never imports aedes.
const net = require('node:net');

async function main() {
  const port = Number(process.argv[2] ?? 0);
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  // Our listener and the mosquitto config both turn Nagle off; so does this one.
  const server = net.createServer({ noDelay: true }, aedes.handle);
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`aedes listening: ${server.address().port}\n`);
  });
  const stop = () => {
    server.close();
    aedes.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`aedes failed to start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
