/**
 * The persistence layer: TypeORM's data source, entities and migrations, and every repository.
 * `@jobserver/persistence/core` is the part without TypeORM (the context worker's);
 * `@jobserver/persistence/nest` is the Nest module (gateway, scheduler).
 */
export * from './core';
export { openDataSource, runMigrations, ENTITIES, MIGRATIONS } from './data-source';
export { BundleEntity } from './entities/bundle.entity';
export { ContextEntity } from './entities/context.entity';
export { JobEntity } from './entities/job.entity';
export { JobEventEntity } from './entities/job-event.entity';
export { ApiKeyRepository, type ApiKeyRecord, type NewApiKey } from './repositories/api-key.repository';
export {
  CallbackRepository,
  type CallbackJob,
  type CallbackProgress,
  type OutboxScan,
} from './repositories/callback.repository';
export { IdempotencyRepository, type IdempotencyClaim, type IdempotencyRecord } from './repositories/idempotency.repository';
export { JobSearchRepository, jobWhere, type JobFilter } from './repositories/job-search.repository';
export { RetentionRepository, RETENTION_BATCH, type RetentionCounts } from './repositories/retention.repository';
export {
  ScheduleRepository,
  SCHEDULE_RUNS_KEPT,
  type NewSchedule,
  type ScheduleRecord,
  type ScheduleRun,
} from './repositories/schedule.repository';
export { JobEventRepository, type StoredJobEvent, type StoredLogLine } from './repositories/job-event.repository';
