'use strict';
// Bench load generator: `node raw-publisher.cjs PORT TOPIC QOS COUNT PAYLOAD_BYTES`. Writes
// pre-encoded MQTT 3.1.1 PUBLISH packets as fast as the socket takes them, so the publishers are
// never the bottleneck of an ingest measurement (mosquitto_pub -l tops out near 1k msg/s each).
const net = require('node:net');
const mqttPacket = require('mqtt-packet');

const [port, topic, qosText, countText, sizeText] = process.argv.slice(2);
const qos = Number(qosText);
const count = Number(countText);
const payload = Buffer.alloc(Number(sizeText), 0x61);

const socket = net.connect(Number(port), '127.0.0.1');
socket.setNoDelay(true);
socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `raw-${process.pid}`, keepalive: 60 }));

let acked = 0;
let connected = false;
const parser = mqttPacket.parser({ protocolVersion: 4 });
parser.on('packet', (packet) => {
  if (packet.cmd === 'connack') {
    connected = true;
    void send();
  } else if (packet.cmd === 'puback' && ++acked === count) finish();
});
socket.on('data', (data) => parser.parse(data));
socket.on('error', (error) => {
  console.error(`raw publisher: ${error.message}`);
  process.exit(1);
});

async function send() {
  const batch = [];
  for (let i = 0; i < count; i++) {
    const packet = { cmd: 'publish', topic, payload, qos, retain: false, dup: false };
    if (qos > 0) packet.messageId = (i % 65535) + 1;
    batch.push(mqttPacket.generate(packet));
    if (batch.length === 500 || i === count - 1) {
      if (!socket.write(Buffer.concat(batch.splice(0)))) await new Promise((resolve) => socket.once('drain', resolve));
    }
  }
  if (qos === 0) finish();
}

function finish() {
  if (!connected) return;
  socket.end(mqttPacket.generate({ cmd: 'disconnect' }), () => process.exit(0));
}
