import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { PgSource } from '../pg-source';

/**
 * What the raw-SQL repositories read and write through: TypeORM's data source (gateway,
 * scheduler), or a {@link PgSource} (the context worker, which loads no TypeORM). `query`
 * answers as TypeORM's `DataSource.query` does.
 */
export type SqlSource = Pick<DataSource, 'query' | 'driver'> | PgSource;

/**
 * The pg pool under a source (TypeORM's postgres driver keeps it as `master`). The statements
 * on every job's path go straight to it (unnamed, so that they also work through
 * pglite-socket's shared session): TypeORM's query runner adds a tenth of a millisecond per
 * statement there. So do transactions and the statements whose row count matters.
 */
export function pgPool(source: SqlSource): Pool {
  return source instanceof PgSource ? source.pool : (source.driver as unknown as { master: Pool }).master;
}

/**
 * Runs a statement of a hot path: named when `prepare` (Postgres parses and plans it once per
 * connection), unnamed otherwise (a pooler in transaction mode, or the embedded PGlite).
 */
export function hotQuery<R extends QueryResultRow>(pool: Pool, prepare: boolean, name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
  return pool.query<R>(prepare ? { name, text, values } : { text, values });
}
