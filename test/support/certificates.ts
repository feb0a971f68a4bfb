import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireProgram } from './mosquitto';

export interface TestPki {
  dir: string;
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** A server certificate for 127.0.0.1 whose validity ended the second it began. */
  expiredServerCertPath: string;
  ca: Buffer;
  /** A CA that signed nothing we use: trusting it must fail verification. */
  otherCa: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
  /** The client key encrypted with `passphrase`. */
  clientKeyEncrypted: Buffer;
  /** The client certificate and key as PKCS#12, protected by `passphrase`. */
  clientP12: Buffer;
  passphrase: string;
  remove(): void;
}

/** Makes a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate. */
export function createTestPki(): TestPki {
  const openssl = requireProgram('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'wb-pki-'));
  chmodSync(dir, 0o755); // mosquitto drops to its own user and must read the server files
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const passphrase = 'correct horse';

  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Workbench Test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Other CA', '-keyout', 'other.key', '-out', 'other.crt');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt');
  // -days 0: notAfter equals notBefore, so the certificate is expired by the time anyone connects.
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '0', '-extfile', 'server.ext', '-out', 'expired.crt');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=workbench-client', '-keyout', 'client.key', '-out', 'client.csr');
  run('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'client.ext', '-out', 'client.crt');
  run('pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'client-encrypted.key');
  run('pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-passout', `pass:${passphrase}`, '-out', 'client.p12');
  for (const file of ['server.key', 'server.crt', 'expired.crt', 'ca.crt']) chmodSync(join(dir, file), 0o644);

  const read = (file: string) => readFileSync(join(dir, file));
  return {
    dir,
    caPath: join(dir, 'ca.crt'),
    serverCertPath: join(dir, 'server.crt'),
    serverKeyPath: join(dir, 'server.key'),
    expiredServerCertPath: join(dir, 'expired.crt'),
    ca: read('ca.crt'),
    otherCa: read('other.crt'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    clientKeyEncrypted: read('client-encrypted.key'),
    clientP12: read('client.p12'),
    passphrase,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
