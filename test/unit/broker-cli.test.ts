import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseBrokerArgs, startBrokerFromArgs } from '../../main/core/broker/cli';

describe('broker headless entry', () => {
  it('parses --port, --ws-port, --host and refuses anything else', () => {
    expect(parseBrokerArgs([])).toEqual({ host: '127.0.0.1', port: 1883, wsPort: undefined });
    expect(parseBrokerArgs(['--port', '0', '--ws-port=0', '--host', '::1'])).toEqual({ host: '::1', port: 0, wsPort: 0 });
    expect(() => parseBrokerArgs(['--port', 'x'])).toThrow(/port number/);
    expect(() => parseBrokerArgs(['--nope'])).toThrow(/unknown option/);
  });

  it('port 0 picks free ports, shown in the one line; both listeners answer; stop closes them', async () => {
    const running = await startBrokerFromArgs(['--port', '0', '--ws-port', '0']);
    const match = /^Broker listening: mqtt:\/\/127\.0\.0\.1:(\d+) ws:\/\/127\.0\.0\.1:(\d+)$/.exec(running.line);
    expect(match).not.toBeNull();
    const [tcpPort, wsPort] = [Number(match![1]), Number(match![2])];
    await new Promise<void>((resolve, reject) => connect(tcpPort, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); resolve(); }).once('error', reject));
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, ['mqtt']);
      ws.once('open', () => { ws.close(); resolve(); });
      ws.once('error', reject);
    });
    await running.stop();
    await expect(new Promise((resolve, reject) => connect(tcpPort, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toThrow();
  });
});
