import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, createTestPki } from '../support/certificates';
import { runCli, startCli } from '../support/cli-process';
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

describe('mqtt-workbench TLS flags', () => {
  it('--cafile verifies the broker; --cert/--key pass a listener that requires a client certificate', async () => {
    const sub = startCli(['sub', '-p', String(broker.mtlsPort), '--cafile', pki.caPath, '--cert', files.cert, '--key', files.key, '-t', 'tls/#', '-C', '1', '-v']);
    await sub.waitForLine(/^Subscribed to /, 'stderr');
    const pub = await runCli(['pub', '-p', String(broker.tlsPort), '--cafile', pki.caPath, '-t', 'tls/x', '-m', 'over tls', '-q', '1']);
    expect(pub.code, pub.stderr).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('tls/x over tls\n');
  });

  it('an untrusted broker certificate is exit 3 unless --insecure', async () => {
    const untrusted = await runCli(['pub', '--protocol', 'mqtts', '-p', String(broker.tlsPort), '-t', 'tls/y', '-m', 'no']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/TLS_UNTRUSTED_CERTIFICATE/);
    const insecure = await runCli(['pub', '--insecure', '-p', String(broker.tlsPort), '-t', 'tls/y', '-m', 'yes']);
    expect(insecure.code, insecure.stderr).toBe(0);
  });
});
