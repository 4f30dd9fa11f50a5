import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under TypeORM's data source. The statements on every job's path go straight to
 * it (unnamed, so that they also work through pglite-socket's shared session): TypeORM's query
 * runner adds a tenth of a millisecond per statement there.
 */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * Runs a statement of a hot path: named when `prepare` (Postgres parses and plans it once per
 * connection), unnamed otherwise (a pooler in transaction mode, or the embedded PGlite).
 */
export function hotQuery<R extends QueryResultRow>(pool: Pool, prepare: boolean, name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
  return pool.query<R>(prepare ? { name, text, values } : { text, values });
}
