import { Client, Pool } from 'pg';
import { probeRedis, type RedisTarget } from '@jobserver/protocol/redis';

/** Options of a database connection pool (`openDataSource`, {@link openPgSource}). */
export interface DataSourceOptions {
  url: string;
  /** @defaultValue 10 */
  poolSize?: number;
  /** Name of the process in `pg_stat_activity`. */
  applicationName?: string;
  /**
   * The longest a query waits for a pool connection (a new one's connect, or a free one): past
   * it pg-pool fails with `timeout exceeded when trying to connect`, so a Postgres that hangs
   * fails requests instead of holding them.
   * @defaultValue 5000
   */
  connectTimeoutMs?: number;
}

/** The pg pool's settings for `options`: the same for TypeORM's pool and {@link openPgSource}'s. */
export function poolSettings(options: DataSourceOptions): { max: number; connectionTimeoutMillis: number } {
  return { max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 5000 };
}

/**
 * A database for the repositories on a pg pool alone, without TypeORM: the context worker's
 * (TypeORM costs a worker ~12 MiB and ~100 ms of CPU at every boot; docs/performance-worker.md).
 * The repositories it serves use raw SQL only.
 */
export class PgSource {
  constructor(readonly pool: Pool) {}

  /**
   * A statement's rows; an UPDATE's or DELETE's `[rows, count]`: what TypeORM's
   * `DataSource.query` answers on Postgres, so that a repository reads both alike.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as TypeORM's DataSource.query: the caller names the rows' type
  async query(text: string, params?: unknown[]): Promise<any> {
    const result = await this.pool.query(text, params);
    return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Opens a {@link PgSource} and one connection of it (as TypeORM's `initialize` does: a Postgres
 * that does not answer fails the open). Pool errors (a connection that broke while idle) go to
 * `onError`; without a listener they would end the process.
 */
export async function openPgSource(options: DataSourceOptions, onError: (error: Error) => void): Promise<PgSource> {
  const pool = new Pool({ connectionString: options.url, application_name: options.applicationName, ...poolSettings(options) });
  pool.on('error', onError);
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PgSource(pool);
}

/**
 * Whether Postgres answers `SELECT 1` within `timeoutMs` (container health checks).
 * @defaultValue timeoutMs 2000
 */
export async function probeDatabase(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * What of Redis and Postgres does not answer (for container health checks), or null when both do.
 */
export async function unreachableServices(target: RedisTarget, databaseUrl: string | undefined): Promise<string | null> {
  const [redis, postgres] = await Promise.all([
    probeRedis(target),
    databaseUrl ? probeDatabase(databaseUrl) : Promise.resolve(false),
  ]);
  const down = [!redis && 'Redis', !postgres && 'Postgres'].filter(Boolean);
  return down.length ? `${down.join(' and ')} unreachable` : null;
}
