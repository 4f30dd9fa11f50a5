import { DataSource } from 'typeorm';
import { BundleEntity } from './entities/bundle.entity';
import { ContextEntity } from './entities/context.entity';
import { JobEntity } from './entities/job.entity';
import { JobEventEntity } from './entities/job-event.entity';
import { Initial1732700000000 } from './migrations/1732700000000-initial';
import { Auth1733200000000 } from './migrations/1733200000000-auth';
import { JobEvents1733300000000 } from './migrations/1733300000000-job-events';
import { Callbacks1733300000001 } from './migrations/1733300000001-callbacks';
import { Statements1733300000002 } from './migrations/1733300000002-statements';
import { DataFiles1733400000000 } from './migrations/1733400000000-data-files';
import { JobSearch1733500000000 } from './migrations/1733500000000-job-search';
import { Idempotency1733600000000 } from './migrations/1733600000000-idempotency';
import { JobPriority1733700000000 } from './migrations/1733700000000-job-priority';
import { JobContextLife1733700000001 } from './migrations/1733700000001-job-context-life';
import { Schedules1733800000000 } from './migrations/1733800000000-schedules';
import { ContextSnapshots1733800000100 } from './migrations/1733800000100-context-snapshots';
import { JobRetries1733800000200 } from './migrations/1733800000200-job-retries';
import { poolSettings, type DataSourceOptions } from './pg-source';

export const ENTITIES = [BundleEntity, ContextEntity, JobEntity, JobEventEntity];
export const MIGRATIONS = [Initial1732700000000, Auth1733200000000, JobEvents1733300000000, Callbacks1733300000001, Statements1733300000002, DataFiles1733400000000, JobSearch1733500000000, Idempotency1733600000000, JobPriority1733700000000, JobContextLife1733700000001, Schedules1733800000000, ContextSnapshots1733800000100, JobRetries1733800000200];

/** Opens a TypeORM data source on Postgres (schema changes only through migrations). */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    logging: false,
    applicationName: options.applicationName,
    extra: poolSettings(options),
  });
  return dataSource.initialize();
}

const MIGRATION_LOCK = 74_61_2026;

/** Runs pending migrations under an advisory lock, so concurrent starters migrate once. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
