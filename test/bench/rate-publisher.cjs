'use strict';
// UI bench load generator: `node rate-publisher.cjs '<json options>'`. Publishes MQTT 3.1.1 QoS 1
// messages at a fixed rate over many topics, with a bounded window of unacknowledged messages (so a
// broker that pushes back slows it down instead of losing messages), and prints one JSON line:
// { sent, acked, seconds, cpuMs }. With qos 0 there is no ack: a message counts once written, and
// writing waits while 1 MB sits unsent in the socket (a broker that reads slowly slows it down).
// Options: port, topics, rate (msg/s), seconds, size (payload bytes), qos (0 or 1, default 1),
// prefix (topic prefix, default "bench"), payload ("json", default, or "protobuf": a
// bench.Telemetry message { uint64 seq = 1; double value = 2; string pad = 3; } of about `size`
// bytes, for the codec rule phase).
const net = require('node:net');
const mqttPacket = require('mqtt-packet');

const { port, topics, rate, seconds, size, prefix = 'bench', payload = 'json', qos = 1 } = JSON.parse(process.argv[2]);
// Unacknowledged messages in flight: 2,000, or 64 MB worth of big ones.
const window = Math.max(16, Math.min(2000, Math.floor((64 * 1024 * 1024) / Math.max(1, size))));
const TICK_MS = 5;
const total = Math.round(rate * seconds);
const topicNames = Array.from({ length: topics }, (_, k) => `${prefix}/site-${Math.floor(k / 100)}/device-${k % 100}`);
// The payload is JSON: a per-message head, a shared padding buffer (never copied), and a tail.
const TAIL = Buffer.from('"}');
const PAD = Buffer.alloc(Math.max(0, size - 48), 0x78);

/** MQTT variable byte integer (remaining length). */
function varint(n) {
  const bytes = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

const PROTOBUF_PAD = Buffer.alloc(Math.max(0, Math.min(100, size - 24)), 0x78);

/** bench.Telemetry written by hand (field 1 varint, field 2 fixed64 double, field 3 length-delimited). */
function protobufParts(seq) {
  const value = Buffer.alloc(8);
  value.writeDoubleLE(Math.sin(seq / 50) * 100);
  const head = Buffer.from([0x08, ...varint(seq), 0x11, ...value, 0x1a, ...varint(PROTOBUF_PAD.length)]);
  return [head, PROTOBUF_PAD, Buffer.alloc(0)];
}

/** A QoS 1 (or 0) PUBLISH as buffers to write in order: built by hand so the padding is shared, not copied. */
function publishPacket(seq) {
  const topic = Buffer.from(topicNames[seq % topics]);
  // Numeric JSON, so plots and the tree's preview have something real to show.
  const [head, pad, tail] =
    payload === 'protobuf' ? protobufParts(seq) : [Buffer.from(`{"seq":${seq},"value":${(Math.sin(seq / 50) * 100).toFixed(3)},"pad":"`), PAD, TAIL];
  const idBytes = qos === 0 ? [] : [((seq % 65535) + 1) >> 8, ((seq % 65535) + 1) & 0xff];
  const remaining = 2 + topic.length + idBytes.length + head.length + pad.length + tail.length;
  const header = Buffer.from([qos === 0 ? 0x30 : 0x32, ...varint(remaining), topic.length >> 8, topic.length & 0xff, ...topic, ...idBytes]);
  return [Buffer.concat([header, head]), pad, tail];
}

const socket = net.connect(port, '127.0.0.1');
socket.setNoDelay(true);
socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `ui-bench-${process.pid}`, keepalive: 60 }));

let sent = 0;
let acked = 0;
let started = 0;
const parser = mqttPacket.parser({ protocolVersion: 4 });
parser.on('packet', (packet) => {
  if (packet.cmd === 'connack') {
    started = Date.now();
    tick();
  } else if (packet.cmd === 'puback') {
    acked++;
    if (acked === total) finish();
  }
});
socket.on('data', (data) => parser.parse(data));
socket.on('error', (error) => {
  console.error(`rate publisher: ${error.message}`);
  process.exit(1);
});

function tick() {
  const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
  socket.cork();
  if (qos === 0) {
    while (sent < due && socket.writableLength < 1024 * 1024) {
      for (const part of publishPacket(sent++)) socket.write(part);
    }
    acked = sent;
  } else {
    while (sent < due && sent - acked < window) {
      for (const part of publishPacket(sent++)) socket.write(part);
    }
  }
  socket.uncork();
  if (sent < total) setTimeout(tick, TICK_MS);
  // QoS 0: done once the last message has left the socket.
  else if (qos === 0) socket.write(Buffer.alloc(0), finish);
}

function finish() {
  const cpu = process.cpuUsage();
  const result = { sent, acked, seconds: (Date.now() - started) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
  socket.end(mqttPacket.generate({ cmd: 'disconnect' }), () => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  });
}
