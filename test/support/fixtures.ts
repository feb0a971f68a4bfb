import { afterAll, beforeAll } from 'vitest';
import type { CoreOptions } from '../../main/core/create-core';
import { type CoreHarness, createCoreHarness } from './core-harness';
import { type Mosquitto, type MosquittoOptions, startMosquitto } from './mosquitto';
import { type Postgres, type PostgresOptions, startPostgres } from './postgres';

/**
 * File-wide fixtures, started in beforeAll and stopped in afterAll (after hooks run in reverse:
 * declare the broker before the harness that connects to it). Each returns a stand-in usable at
 * the top of the file: its fields and methods are the started object's once the file runs.
 */

/** A private mosquitto for the file. Options may be a function, for values made in an earlier beforeAll. */
export function useMosquitto(options: MosquittoOptions | (() => MosquittoOptions) = {}): Mosquitto & { readonly broker: Mosquitto } {
  let broker: Mosquitto | undefined;
  beforeAll(async () => {
    broker = await startMosquitto(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return standIn(() => broker, 'mosquitto', 'broker');
}

/** A throwaway PostgreSQL cluster for the file; each test makes its own database (`createDatabase()`). */
export function usePostgres(options: PostgresOptions | (() => PostgresOptions) = {}): Postgres & { readonly cluster: Postgres } {
  let cluster: Postgres | undefined;
  beforeAll(async () => {
    cluster = await startPostgres(typeof options === 'function' ? options() : options);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return standIn(() => cluster, 'postgres', 'cluster');
}

/** A real workbench core for the file, with a record of its events (see createCoreHarness). */
export function useCoreHarness(options: Partial<CoreOptions> = {}): CoreHarness {
  let harness: CoreHarness | undefined;
  beforeAll(() => {
    harness = createCoreHarness(options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  return standIn(() => harness, 'the core harness');
}

/** An object whose properties are read from `current()`, which must have started by then. */
function standIn<T extends object, K extends string = never>(current: () => T | undefined, what: string, selfKey?: K): T & { readonly [key in K]: T } {
  return new Proxy({} as T & { readonly [key in K]: T }, {
    get(_target, key) {
      const value = current();
      if (!value) throw new Error(`${what} is not started yet (use it inside a test or hook)`);
      if (key === selfKey) return value;
      const field = Reflect.get(value, key) as unknown;
      return typeof field === 'function' ? (field as (...args: unknown[]) => unknown).bind(value) : field;
    },
  });
}
