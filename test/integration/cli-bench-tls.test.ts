/** `bench` over TLS: the connection flags (--cafile, --cert/--key, --insecure) reach its plain TLS sockets. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnBenchResult } from '../../main/cli/bench/run-conn';
import type { PubBenchResult } from '../../main/cli/bench/run-pub';
import { type TestPki, createTestPki } from '../support/certificates';
import { runCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';

let pki: TestPki;
const files = { cert: '', key: '' };
beforeAll(() => {
  pki = createTestPki();
  files.cert = join(pki.dir, 'client.crt');
  files.key = join(pki.dir, 'client.key');
  writeFileSync(files.cert, pki.clientCert);
  writeFileSync(files.key, pki.clientKey);
});
afterAll(() => pki.remove());
const broker = useMosquitto(() => ({ tls: { caPath: pki.caPath, certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }));

describe('mqtt-workbench bench over TLS', () => {
  it('bench pub with --cafile and a client certificate; bench conn over TLS', async () => {
    const pub = await runCli(['bench', 'pub', '-p', String(broker.mtlsPort), '--cafile', pki.caPath, '--cert', files.cert, '--key', files.key, '-c', '2', '-n', '500', '-q', '1', '--json']);
    expect(pub.code, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout) as PubBenchResult).toMatchObject({ target: `mqtts://127.0.0.1:${broker.mtlsPort}`, sent: 500, acknowledged: 500 });
    const conn = await runCli(['bench', 'conn', '-p', String(broker.tlsPort), '--cafile', pki.caPath, '-c', '10', '--json']);
    expect(conn.code, conn.stderr).toBe(0);
    expect(JSON.parse(conn.stdout) as ConnBenchResult).toMatchObject({ connected: 10, failed: 0 });
  });

  it('an untrusted certificate is exit 3 unless --insecure', async () => {
    const untrusted = await runCli(['bench', 'pub', '--protocol', 'mqtts', '-p', String(broker.tlsPort), '-c', '1', '-n', '10']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/^Could not connect: .*(self[- ]signed|unable to (get|verify)).*$/im);
    const insecure = await runCli(['bench', 'pub', '--insecure', '-p', String(broker.tlsPort), '-c', '1', '-n', '10', '-q', '1']);
    expect(insecure.code, insecure.stderr).toBe(0);
  });
});
