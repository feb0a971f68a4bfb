import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli-process';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';

// `mqtt-workbench broker` (the built CLI): the same headless broker as `npm run broker`, one command line.
describe('mqtt-workbench broker', () => {
  it('prints the ports it chose, serves mosquitto clients, and exits 0 on SIGTERM', async () => {
    const cli = startCli(['broker', '--port', '0', '--ws-port', '0']);
    try {
      const line = await cli.waitForLine(/^Broker listening: /, 'stdout', 15_000);
      const port = /^Broker listening: mqtt:\/\/127\.0\.0\.1:(\d+) ws:\/\/127\.0\.0\.1:\d+$/.exec(line)?.[1];
      expect(port, line).toBeDefined();
      const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', port!, '-V', '5', '-t', 'cli/#', '-C', '1'], { signalSubscribed: true });
      await sub.subscribed;
      const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', port!, '-V', '5', '-t', 'cli/x', '-m', 'from mqtt-workbench', '-q', '1']);
      expect(pub.code, pub.stderr).toBe(0);
      expect((await sub.done).stdout.toString().trim()).toBe('from mqtt-workbench');
      cli.child.kill('SIGTERM');
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(0);
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('a bad flag is exit 2 with the usage, and --help lists examples and exit codes', async () => {
    const bad = await runCli(['broker', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Broker failed to start: unknown option --no-such-flag\. Usage: broker /);
    const help = await runCli(['broker', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:\n  mqtt-workbench broker --port 1883 --ws-port 8083');
    expect(help.stdout).toContain('Exit codes:');
  });
});
