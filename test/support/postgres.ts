import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';

/** A throwaway PostgreSQL cluster on a loopback port, for one test file. */
export interface Postgres {
  host: string;
  port: number;
  user: string;
  /** A connection string for `database` (default: the cluster's `postgres` database). */
  url(database?: string): string;
  /** A fresh empty database; `drop` removes it (closing what is still connected). */
  createDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }>;
  /**
   * Stops the server (`pg_ctl stop -m fast`: every connection is cut, as when a database server goes
   * away), keeping its data. Not `-m immediate`: this cluster runs with synchronous_commit off, so a
   * crash would lose commits the client was told about.
   */
  pause(): Promise<void>;
  /** Starts it again on the same port and data (after `pause`). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const DEBIAN_BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin', '/usr/lib/postgresql/13/bin'];

/** initdb/pg_ctl on PATH or in Debian's versioned folder, or a clear message naming the package. */
export function requirePostgresProgram(name: 'initdb' | 'pg_ctl'): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(DEBIAN_BIN)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is required for this test but was not found (PostgreSQL 13+). Install it: apt-get install postgresql`);
}

let databases = 0;

/**
 * initdb refuses to run as root: as root the cluster belongs to the `postgres` user (Debian's
 * package creates it) and its programs run through runuser; otherwise as the current user.
 */
export async function startPostgres(): Promise<Postgres> {
  const initdb = requirePostgresProgram('initdb');
  const pgCtl = requirePostgresProgram('pg_ctl');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'wb-postgres-'));
  const run = (program: string, args: string[]): string => {
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    try {
      return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const log = join(dir, 'server.log');
      const detail = existsSync(log) ? `\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
      throw new Error(`${program} ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr ?? String(error)}${detail}`);
    }
  };
  if (isRoot) {
    let ids: [number, number];
    try {
      ids = [Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())];
    } catch {
      throw new Error('As root, the test cluster runs as the "postgres" user (initdb refuses root), which does not exist. Install it: apt-get install postgresql');
    }
    chownSync(dir, ids[0], ids[1]);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const user = 'postgres';
  run(initdb, ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // A test cluster: durability off (nothing here outlives the file), loopback and a private socket folder only.
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
  ].join(' ');
  const start = () => run(pgCtl, ['start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
  start();
  const host = '127.0.0.1';
  const url = (database = 'postgres') => `postgres://${user}@${host}:${port}/${database}`;
  const admin = async <T>(sql: string): Promise<T> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return (await client.query(sql)) as T;
    } finally {
      await client.end();
    }
  };
  let stopped = false;
  let running = true;
  return {
    host,
    port,
    user,
    url,
    async createDatabase() {
      const name = `wb_test_${process.pid}_${++databases}`;
      await admin(`CREATE DATABASE ${name}`);
      return {
        name,
        url: url(name),
        drop: async () => {
          if (!stopped) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
    pause() {
      run(pgCtl, ['stop', '-w', '-m', 'fast', '-D', data]);
      running = false;
      return Promise.resolve();
    },
    resume() {
      start();
      running = true;
      return Promise.resolve();
    },
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      try {
        if (running) run(pgCtl, ['stop', '-w', '-m', 'immediate', '-D', data]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
