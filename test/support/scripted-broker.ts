import { type Server, type Socket, createServer } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

type Generate = (packet: object, opts?: { protocolVersion: number }) => Buffer;
const generate = mqttPacket.generate as unknown as Generate;

/** One client connection to a scripted broker: what it sent, and a way to answer with any bytes. */
export interface ScriptedSession {
  socket: Socket;
  protocolVersion: number;
  send(packet: object): void;
  sendRaw(bytes: Buffer): void;
}

/**
 * A broker that misbehaves on purpose, for what no real broker here does on demand: a malformed
 * packet after CONNACK, an acknowledgement for an id nothing is in flight under, a CONNACK that
 * ignores enhanced authentication. It parses what the client sends with mqtt-packet and lets the
 * test answer each packet; PINGREQ is answered unless the script says otherwise.
 */
export async function startScriptedBroker(
  onPacket: (packet: Packet, session: ScriptedSession) => void,
  { answerPings = true } = {},
): Promise<{ port: number; sessions: ScriptedSession[]; close(): Promise<void> }> {
  const sessions: ScriptedSession[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const session: ScriptedSession = {
      socket,
      protocolVersion: 4,
      send: (packet) => socket.write(generate(packet, { protocolVersion: session.protocolVersion })),
      sendRaw: (bytes) => socket.write(bytes),
    };
    sessions.push(session);
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connect') {
        session.protocolVersion = (packet as { protocolVersion: number }).protocolVersion;
        (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = session.protocolVersion;
      }
      if (packet.cmd === 'pingreq' && answerPings) return session.send({ cmd: 'pingresp' });
      onPacket(packet, session);
    });
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk) => parser.parse(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
