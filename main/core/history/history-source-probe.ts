import pg from 'pg';
import type { HistorySourceTest } from '../../../shared/contract/history';
import type { TeamDatabase } from './history-source';
import { connectionStringWithPassword } from './postgres/connection-string';

const PROBE_TIMEOUT_MS = 10_000;

/** node-postgres's `ssl` for a TLS mode: require encrypts without checking who answers; verify-full checks the chain and the host name. */
export function sslOptionsFor(tls: TeamDatabase['tls']): pg.ClientConfig['ssl'] {
  if (!tls || tls.mode === 'disable') return false;
  if (tls.mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(tls.ca ? { ca: tls.ca } : {}) };
}

/** One client of its own, never the store's pool: a probe must not disturb what History does. */
async function withClient<T>(database: TeamDatabase, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: connectionStringWithPassword(database.url, database.password),
    ssl: sslOptionsFor(database.tls),
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether the role may add and delete messages: on the messages table once the history schema is
 * there, else whether it may create it (the first workbench or recorder creates the schema).
 */
async function roleMayWrite(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ may: boolean }>(`
    SELECT CASE WHEN to_regclass('messages') IS NOT NULL
      THEN has_table_privilege('messages', 'INSERT') AND has_table_privilege('messages', 'DELETE')
      ELSE has_schema_privilege(current_schema(), 'CREATE') END AS may`);
  return rows[0]?.may === true;
}

/** False when the role may only read (History then browses and says so instead of failing on a delete). */
export async function teamDatabaseIsReadOnly(database: TeamDatabase): Promise<boolean> {
  return withClient(database, async (client) => !(await roleMayWrite(client)));
}

/** Connects once: the server's version, whether the role may write, whether TimescaleDB is there. Never throws. */
export async function probeTeamDatabase(database: TeamDatabase): Promise<HistorySourceTest> {
  try {
    return await withClient(database, async (client) => {
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
      const canWrite = await roleMayWrite(client);
      const timescale = await client.query<{ installed: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed
         FROM pg_available_extensions WHERE name = 'timescaledb'`,
      );
      const timescaleDb = timescale.rows.length === 0 ? 'absent' : timescale.rows[0]!.installed ? 'installed' : 'available';
      return { ok: true, ...(version ? { serverVersion: version } : {}), canWrite, timescaleDb };
    });
  } catch (error) {
    return { ok: false, error: `Cannot connect to the team database: ${(error as Error).message}` };
  }
}
