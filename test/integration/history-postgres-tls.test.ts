import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresHistory } from '../../main/core/history/postgres';
import { type TestPki, createTestPki } from '../support/certificates';
import { usePostgres } from '../support/fixtures';
import { message } from '../support/history-fixtures';

// TLS to a team database: a cluster that takes loopback TCP over TLS only (hostssl), so a
// connection that works at all was encrypted.
let pki: TestPki | undefined;
const cluster = usePostgres(() => {
  pki = createTestPki();
  return { tls: { cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) } };
});
afterAll(() => pki?.remove());

describe('createPostgresHistory over TLS', () => {
  it('verify-full with the CA that signed the server certificate: records and reads back', async () => {
    const database = await cluster.createDatabase();
    const history = await createPostgresHistory({ source: { url: database.url, tls: { mode: 'verify-full', ca: pki!.ca.toString() } } });
    try {
      history.append('c1', message({ text: 'over tls' }));
      await history.flush();
      expect(new TextDecoder().decode((await history.page()).messages[0]!.payload)).toBe('over tls');
      // 'require' encrypts without checking the certificate (libpq's sslmode=require).
      const required = await createPostgresHistory({ source: { url: database.url, tls: { mode: 'require' } } });
      expect(await required.count()).toBe(1);
      await required.close();
    } finally {
      await history.close();
      await database.drop();
    }
  });

  it('refuses to open without TLS, or with verify-full against a CA that did not sign the server certificate', async () => {
    const database = await cluster.createDatabase();
    try {
      await expect(createPostgresHistory({ source: { url: database.url } })).rejects.toMatchObject({ code: 'HISTORY_OPEN_FAILED', message: expect.stringMatching(/no encryption/) as string });
      await expect(createPostgresHistory({ source: { url: database.url, tls: { mode: 'verify-full', ca: pki!.otherCa.toString() } } })).rejects.toMatchObject({
        code: 'HISTORY_OPEN_FAILED',
        message: expect.stringMatching(/certificate/) as string,
      });
    } finally {
      await database.drop();
    }
  });
});
