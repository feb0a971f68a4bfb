import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled connection: all of it commits, or none. `settings`
 * (`SET LOCAL ...`, no parameters) go with the BEGIN in one round trip.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, settings = ''): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(settings ? `BEGIN; ${settings}` : 'BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // A connection that cannot even roll back is not given back to the pool.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
