import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws';
import type { Broker } from '../create-broker';
import { type Listener, listen } from './listen';

export type WsListener = Listener;

/**
 * MQTT over WebSocket (ws://). Spec section 6: binary frames only ([MQTT-6.0.0-1]), packets may span
 * frames or share one ([MQTT-6.0.0-2]: the connection's framing does not care), and the "mqtt"
 * subprotocol is selected ([MQTT-6.0.0-3] [MQTT-6.0.0-4]).
 */
export function listenWs(broker: Broker, options: { port?: number; host?: string; maxPayload?: number } = {}): Promise<WsListener> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('MQTT over WebSocket: connect with the "mqtt" subprotocol\n');
  });
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
    // [MQTT-6.0.0-3] select "mqtt" when offered; clients offering none are accepted as mosquitto does
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
  });
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const stream = createWebSocketStream(ws);
    // [MQTT-6.0.0-1] a text frame ends the connection; checked before the stream sees the data
    ws.prependListener('message', (_data, isBinary) => {
      if (!isBinary) {
        stream.destroy();
        ws.terminate();
      }
    });
    stream.on('error', () => undefined);
    broker.handle(stream, `${request.socket.remoteAddress}:${request.socket.remotePort}`);
  });
  return listen(server, host, options.port ?? 8083, () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections?.();
  });
}
