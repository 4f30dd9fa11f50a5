import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under TypeORM's data source. The statements on every job's path go straight to
 * it (unnamed, so that they also work through pglite-socket's shared session): TypeORM's query
 * runner adds a tenth of a millisecond per statement there.
 */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
