import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, createWebSocketStream } from 'ws';
import { createWorkbenchCore } from '../../main/core/create-core';
import { type RunningHost, startHost } from '../../main/host/host-server';
import { type Profile, type RequestChannel, type RequestOutput, isCredentialHeader } from '../../shared/contract';
import { type ServerFrame, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import { useMosquitto } from '../support/fixtures';

const broker = useMosquitto();

// Values unique enough that finding them anywhere means they leaked.
const BEARER = 'Bearer eyJ-secret-header-value-5521';
const TENANT = 'tenant-marked-secret-8830';
const COOKIE = 'sid=cookie-secret-value-1177';
const VISIBLE = 'visible-header-value-4242';

let bridge: WebSocketServer;
/** The upgrade headers of every WebSocket the bridge accepted, in order. */
const upgrades: IncomingHttpHeaders[] = [];
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

/**
 * A real WebSocket server in front of mosquitto's TCP listener: it records each upgrade request's
 * headers, then carries the MQTT bytes both ways, so a connection really succeeds.
 */
beforeAll(async () => {
  bridge = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  bridge.on('connection', (ws, request) => {
    upgrades.push(request.headers);
    const stream = createWebSocketStream(ws);
    const tcp = tcpConnect(broker.port, '127.0.0.1');
    stream.pipe(tcp).pipe(stream);
    const end = () => {
      tcp.destroy();
      stream.destroy();
    };
    tcp.on('error', end);
    stream.on('error', end);
    tcp.on('close', end);
    stream.on('close', end);
  });
  await new Promise((resolve) => bridge.once('listening', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => bridge.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-header-secrets-'));
  dirs.push(dir);
  return dir;
}

function bridgeOptions(wsHeaders: Record<string, string>) {
  return { protocol: 'ws', host: '127.0.0.1', port: (bridge.address() as AddressInfo).port, path: '/mqtt', protocolVersion: 5, wsHeaders };
}

/** A real host over a data folder, driven through its WebSocket as the UI drives it; every frame the UI receives is kept. */
async function openWorkbench(dataDir: string) {
  const rendererDir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
  dirs.push(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wb</title>');
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  const host: RunningHost = await startHost({ core, rendererDir, port: 0 });
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WIRE_PATH}?token=${encodeURIComponent(host.token)}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const frames: Buffer[] = [];
  const waiting = new Map<number, (frame: Extract<ServerFrame, { type: 'response' }>) => void>();
  ws.on('message', (data: Buffer, isBinary) => {
    frames.push(Buffer.from(data));
    if (isBinary) return;
    const frame = decodeFrame(data.toString()) as ServerFrame;
    if (frame.type === 'response') waiting.get(frame.id)?.(frame);
  });
  let nextId = 1;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    ws.close();
    await host.close();
    await core.close();
  };
  cleanups.push(close);
  return {
    frames,
    close,
    async call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> {
      const id = nextId++;
      const response = new Promise<Extract<ServerFrame, { type: 'response' }>>((resolve) => waiting.set(id, resolve));
      ws.send(encodeFrame({ type: 'request', id, channel, input } as never));
      const { result } = await response;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as RequestOutput<C>;
    },
  };
}

/** Connects a saved profile (the bridge records its upgrade headers) and disconnects again. */
async function connectOnce(wb: Awaited<ReturnType<typeof openWorkbench>>, id: string): Promise<void> {
  const { connectionId } = await wb.call('profiles.connect', { id });
  await wb.call('connections.disconnect', { connectionId });
}

/** Every file of the profiles database (main file, WAL, journal), raw bytes. */
function profilesDbBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith('profiles.db'))
      .map((f) => readFileSync(join(dataDir, f))),
  );
}

function expectAbsent(where: string, haystack: Buffer | string, secrets = [BEARER, TENANT, COOKIE]) {
  const bytes = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack);
  for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `${secret} found in ${where}`).toBe(false);
}

describe('WebSocket header values that carry credentials are secrets', () => {
  it('keeps Authorization, Cookie and a header marked secret out of the UI, the disk and exports, and still sends them on connect', async () => {
    const dataDir = newDataDir();
    let wb = await openWorkbench(dataDir);
    const saved = await wb.call('profiles.save', {
      name: 'gateway',
      options: bridgeOptions({ Authorization: BEARER, Cookie: COOKIE, 'X-Tenant': TENANT, 'X-Visible': VISIBLE }),
      secretHeaders: ['x-tenant'],
    });
    expect(saved.storedHeaders).toEqual(['Authorization', 'Cookie', 'X-Tenant']);
    expect(saved.options.wsHeaders).toEqual({ 'X-Visible': VISIBLE });

    const listed = await wb.call('profiles.list', {});
    expect(listed.profiles[0]).toMatchObject({ storedHeaders: ['Authorization', 'Cookie', 'X-Tenant'], options: { wsHeaders: { 'X-Visible': VISIBLE } } });
    const copy = await wb.call('profiles.duplicate', { id: saved.id });
    expect(copy.storedHeaders).toEqual(saved.storedHeaders);

    const { json } = await wb.call('profiles.export', {});
    expectAbsent('the export', json);
    expect(json).toContain(VISIBLE);
    expect(JSON.parse(json).note).toMatch(/header/);

    upgrades.length = 0;
    const { connectionId } = await wb.call('profiles.connect', { id: saved.id });
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]).toMatchObject({ authorization: BEARER, cookie: COOKIE, 'x-tenant': TENANT, 'x-visible': VISIBLE });
    await wb.call('connections.disconnect', { connectionId });

    // The renderer saves the profile again without the values it never had: they are kept.
    const edited: Profile = await wb.call('profiles.save', { id: saved.id, name: 'gateway 2', options: bridgeOptions({ 'X-Visible': VISIBLE }) });
    expect(edited.storedHeaders).toEqual(['Authorization', 'Cookie', 'X-Tenant']);
    upgrades.length = 0;
    await connectOnce(wb, saved.id);
    expect(upgrades[0]).toMatchObject({ authorization: BEARER, cookie: COOKIE, 'x-tenant': TENANT, 'x-visible': VISIBLE });

    // Typed again replaces (whatever its case); cleared removes.
    const replaced = await wb.call('profiles.save', {
      id: saved.id,
      name: 'gateway 2',
      options: bridgeOptions({ authorization: 'Bearer replaced-value', 'X-Visible': VISIBLE }),
      clearHeaders: ['cookie'],
    });
    expect(replaced.storedHeaders).toEqual(['X-Tenant', 'authorization']);
    upgrades.length = 0;
    await connectOnce(wb, saved.id);
    expect(upgrades[0]).toMatchObject({ authorization: 'Bearer replaced-value', 'x-tenant': TENANT });
    expect(upgrades[0]!.cookie).toBeUndefined();

    // A header marked secret once stays secret when its value is typed again without the mark...
    const retyped = await wb.call('profiles.save', { id: saved.id, name: 'gateway 2', options: bridgeOptions({ 'X-Tenant': `${TENANT}-2`, 'X-Visible': VISIBLE }) });
    expect(retyped.storedHeaders).toEqual(['X-Tenant', 'authorization']);
    expect(retyped.options.wsHeaders).toEqual({ 'X-Visible': VISIBLE });
    // ...until the user clears it and types it as an ordinary header.
    const unmarked = await wb.call('profiles.save', {
      id: saved.id,
      name: 'gateway 2',
      options: bridgeOptions({ 'X-Tenant': 'public-tenant', 'X-Visible': VISIBLE }),
      clearHeaders: ['X-Tenant'],
    });
    expect(unmarked.storedHeaders).toEqual(['authorization']);
    expect(unmarked.options.wsHeaders).toEqual({ 'X-Tenant': 'public-tenant', 'X-Visible': VISIBLE });

    expectAbsent('a frame sent to the UI', Buffer.concat(wb.frames));
    expect(Buffer.concat(wb.frames).includes(Buffer.from(VISIBLE))).toBe(true);
    await wb.close();
    expectAbsent('profiles.db on disk', profilesDbBytes(dataDir));

    // After a restart the copy (with the original values) still connects with them.
    wb = await openWorkbench(dataDir);
    upgrades.length = 0;
    await connectOnce(wb, copy.id);
    expect(upgrades[0]).toMatchObject({ authorization: BEARER, cookie: COOKIE, 'x-tenant': TENANT });
    expectAbsent('a frame sent to the UI after a restart', Buffer.concat(wb.frames));
  });

  it('moves credential headers a profile saved earlier holds in plain text into the encrypted secrets, leaving no plain copy on disk', async () => {
    const dataDir = newDataDir();
    let wb = await openWorkbench(dataDir);
    const saved = await wb.call('profiles.save', { name: 'legacy', options: bridgeOptions({ 'X-Visible': VISIBLE }) });
    await wb.close();
    // What an earlier release wrote: the header value inside the options JSON.
    const db = new Database(join(dataDir, 'profiles.db'));
    const { options } = db.prepare('SELECT options FROM profiles WHERE id = ?').get(saved.id) as { options: string };
    const legacy = JSON.parse(options) as { wsHeaders: Record<string, string> };
    legacy.wsHeaders.Authorization = BEARER;
    db.prepare('UPDATE profiles SET options = ? WHERE id = ?').run(JSON.stringify(legacy), saved.id);
    db.close();
    expect(profilesDbBytes(dataDir).includes(Buffer.from(BEARER))).toBe(true);

    wb = await openWorkbench(dataDir);
    const listed = await wb.call('profiles.list', {});
    expect(listed.profiles[0]).toMatchObject({ storedHeaders: ['Authorization'], options: { wsHeaders: { 'X-Visible': VISIBLE } } });
    expectAbsent('profiles.db after the move', profilesDbBytes(dataDir), [BEARER]);
    upgrades.length = 0;
    await connectOnce(wb, saved.id);
    expect(upgrades[0]).toMatchObject({ authorization: BEARER });
    expectAbsent('a frame sent to the UI', Buffer.concat(wb.frames), [BEARER]);
    await wb.close();
    expectAbsent('profiles.db on disk', profilesDbBytes(dataDir), [BEARER]);
  });

  it('imports a file carrying a credential header as a secret', async () => {
    const wb = await openWorkbench(newDataDir());
    const file = {
      format: 'mqtt-workbench-profiles',
      version: 1,
      profiles: [{ name: 'from a colleague', folder: '', options: bridgeOptions({ Authorization: BEARER }) }],
    };
    const report = await wb.call('profiles.import', { format: 'workbench', content: JSON.stringify(file) });
    expect(report.imported[0]).toMatchObject({ storedHeaders: ['Authorization'] });
    expect(report.imported[0]!.options.wsHeaders).toBeUndefined();
    expectAbsent('a frame sent to the UI', Buffer.concat(wb.frames), [BEARER]);
    expectAbsent('the export', (await wb.call('profiles.export', {})).json, [BEARER]);
  });
});

describe('which headers are credentials', () => {
  it.each(['Authorization', 'proxy-authorization', 'Cookie', 'X-Api-Key', 'X-Auth-Token', 'X-Amz-Security-Token', 'Client-Secret', 'X-Session-Id', 'X-Password'])(
    '%s is a secret',
    (name) => expect(isCredentialHeader(name)).toBe(true),
  );
  it.each(['X-Tenant', 'User-Agent', 'Accept-Language', 'X-Request-Id', 'Sec-WebSocket-Protocol'])('%s is not, unless marked', (name) =>
    expect(isCredentialHeader(name)).toBe(false),
  );
});
