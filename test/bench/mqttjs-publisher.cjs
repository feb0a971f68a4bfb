'use strict';
// The plain peer of `bench pub` (npm run bench -- cli): `node mqttjs-publisher.cjs '<json>'` with
// { port, clients, count, qos, size, window }. A simple mqtt.js load loop honoring backpressure:
// each client keeps at most `window` publishes whose callback has not fired (QoS 0: the callback
// waits for 'drain' when the socket is full; QoS 1: for the PUBACK). Its end is the broker's, as
// bench pub's: the last PUBACK, or at QoS 0 a QoS 1 marker after the last message. Prints one JSON
// line: { sent, acknowledged, elapsedMs, cpuUs }.
const mqtt = require('mqtt');

const { port, clients, count, qos, size, window } = JSON.parse(process.argv[2]);
const payload = Buffer.alloc(size, 0x61);

function connect(index) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({ host: '127.0.0.1', port, protocolVersion: 5, clientId: `mqttjs-plain-${process.pid}-${index}`, reconnectPeriod: 0, clean: true });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

function load(client, index, quota, tally) {
  const topic = `mqtt-workbench/bench/${index}`;
  return new Promise((resolve) => {
    let sent = 0;
    let outstanding = 0;
    let scheduled = false;
    const finish = () => {
      if (qos > 0) return resolve();
      client.publish(topic, payload, { qos: 1 }, () => resolve());
    };
    const onDone = (error) => {
      outstanding--;
      if (!error) tally.acknowledged++;
      if (sent === quota && outstanding === 0) return finish();
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    };
    function pump() {
      scheduled = false;
      while (sent < quota && outstanding < window) {
        sent++;
        outstanding++;
        tally.sent++;
        client.publish(topic, payload, { qos }, onDone);
      }
    }
    if (quota === 0) finish();
    else pump();
  });
}

async function main() {
  const connections = await Promise.all(Array.from({ length: clients }, (_, i) => connect(i)));
  const tally = { sent: 0, acknowledged: 0 };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(connections.map((client, i) => load(client, i, Math.floor(count / clients) + (i < count % clients ? 1 : 0), tally)));
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ sent: tally.sent, acknowledged: tally.acknowledged, elapsedMs, cpuUs: used.user + used.system })}\n`);
  await Promise.all(connections.map((client) => client.endAsync()));
}

main().catch((error) => {
  console.error(`mqtt.js publisher: ${error.message}`);
  process.exit(1);
});
