/**
 * `mqtt-workbench pub` loads what its options need and no more (issue 19): a plain publish loads
 * neither the codec libraries nor the profile store (SQLite); --profile loads the store. Read by
 * tracing the packages the built CLI's process loads (test/support/trace-packages.cjs).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionOptions } from '../../shared/contract';
import { createProfileStore } from '../../main/core/profiles/profile-store';
import { createKeyFileCipher } from '../../main/core/secrets/key-file-cipher';
import { runCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';

const TRACER = fileURLToPath(new URL('../support/trace-packages.cjs', import.meta.url));
const HEAVY = ['protobufjs', 'avsc', 'ajv', 'quickjs-emscripten', 'better-sqlite3', 'pg'];
const mosquitto = useMosquitto();
const scratch = mkdtempSync(join(tmpdir(), 'cli-pub-lazy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
/** Runs the built CLI; resolves with its result and the heavy packages it loaded. */
async function traced(args: string[]) {
  const file = join(scratch, `trace-${++runs}.txt`);
  const result = await runCli(args, { env: { NODE_OPTIONS: `--require ${TRACER}`, PACKAGES_TRACE_FILE: file, PACKAGES_TRACE_NAMES: HEAVY.join(',') } });
  const loaded = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).sort() : [];
  return { result, loaded };
}

describe('mqtt-workbench pub loads only what its options need', () => {
  it('a plain pub -h -t -m publishes without loading the codecs or the profile store', async () => {
    const { result, loaded } = await traced(['pub', '-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'lazy/a', '-m', 'x', '-q', '1', '--data-dir', scratch]);
    expect(result.code, result.stderr).toBe(0);
    expect(loaded).toEqual([]);
  });

  it('pub --profile loads the profile store, and publishes with the saved options', async () => {
    const dataDir = mkdtempSync(join(scratch, 'data-'));
    const store = createProfileStore(join(dataDir, 'profiles.db'), createKeyFileCipher(join(dataDir, 'secrets.key')));
    store.save({ name: 'Lazy broker', folder: '', options: connectionOptions.parse({ protocol: 'mqtt', host: '127.0.0.1', port: mosquitto.port, protocolVersion: 5 }) });
    store.close();
    const { result, loaded } = await traced(['pub', '--profile', 'Lazy broker', '--data-dir', dataDir, '-t', 'lazy/b', '-m', 'y', '-q', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(loaded).toContain('better-sqlite3');
  });
});
