import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import type { RequestChannel, RequestOutput } from '../../shared/contract';
import { useMosquitto } from '../support/fixtures';
import { type RunningProxy, startTinyproxy } from '../support/proxies';

const PROXY_PASSWORD = 'proxy-pa55-unique-4471';
let proxy: RunningProxy;
const dataDir = mkdtempSync(join(tmpdir(), 'wb-proxy-profiles-'));

beforeAll(async () => {
  proxy = await startTinyproxy({ auth: { username: 'alice', password: PROXY_PASSWORD } });
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const broker = useMosquitto();

describe('a profile behind a proxy that needs a password', () => {
  it('keeps the proxy password as a secret: never returned, not in the database in clear, used on connect', async () => {
    const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
    const call = async <C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> => {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as RequestOutput<C>;
    };
    try {
      const saved = await call('profiles.save', {
        name: 'Behind the proxy',
        options: {
          protocol: 'mqtt',
          host: '127.0.0.1',
          port: broker.port,
          protocolVersion: 5,
          proxy: { kind: 'http', host: '127.0.0.1', port: proxy.port, username: 'alice', password: PROXY_PASSWORD },
        },
      });
      expect(saved.secrets).toMatchObject({ proxyPassword: true, password: false });
      expect(saved.options.proxy).toEqual({ kind: 'http', host: '127.0.0.1', port: proxy.port, username: 'alice' });
      const listed = await call('profiles.list', {});
      expect(JSON.stringify(listed)).not.toContain(PROXY_PASSWORD);
      for (const name of readdirSync(dataDir).filter((file) => file.startsWith('profiles'))) {
        expect(readFileSync(join(dataDir, name)).includes(PROXY_PASSWORD)).toBe(false);
      }
      // Connecting through tinyproxy works only with the stored password.
      const { connectionId } = await call('profiles.connect', { id: saved.id });
      expect((await call('connections.list', {}))[0]).toMatchObject({ connectionId, status: 'connected' });
      await call('connections.disconnect', { connectionId });
      // Cleared, the proxy answers 407/401: PROXY_AUTH_FAILED.
      await call('profiles.save', { id: saved.id, name: 'Behind the proxy', options: saved.options, clearSecrets: ['proxyPassword'] });
      const refused = await core.dispatcher.handle('profiles.connect', { id: saved.id });
      expect(refused).toMatchObject({ ok: false, error: { code: 'PROXY_AUTH_FAILED' } });
    } finally {
      await core.close();
    }
  });
});
