export { openDataSource, probeDatabase, runMigrations, unreachableServices, ENTITIES, MIGRATIONS, type DataSourceOptions } from './data-source';
export { BundleEntity } from './entities/bundle.entity';
export { ContextEntity } from './entities/context.entity';
export { JobEntity, type JobStageRecord } from './entities/job.entity';
export { JobEventEntity } from './entities/job-event.entity';
export { ApiKeyRepository, type ApiKeyRecord, type NewApiKey } from './repositories/api-key.repository';
export { BundleRepository, type BundleRecord, type NewBundle } from './repositories/bundle.repository';
export {
  CallbackRepository,
  type CallbackJob,
  type CallbackProgress,
  type OutboxScan,
} from './repositories/callback.repository';
export { ContextRepository, type ContextRecord } from './repositories/context.repository';
export {
  DataFileRepository,
  DATA_CHUNK_SIZE,
  type DataFileRecord,
  type NewDataFile,
} from './repositories/data-file.repository';
export {
  JobRepository,
  type DetailBatch,
  type EndedJob,
  type JobEnding,
  type JobRecord,
  type JobSummary,
  type NewJob,
  type RetriedJob,
  type Submission,
  type SubmittedJob,
} from './repositories/job.repository';
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
export {
  SnapshotRepository,
  SNAPSHOT_CHUNK_SIZE,
  toSnapshotSummary,
  type SnapshotObject,
  type SnapshotRecord,
  type SnapshotSkip,
} from './repositories/snapshot.repository';
export { StatementRepository, type EndedStatement, type StatementRecord } from './repositories/statement.repository';
export { PersistenceModule } from './persistence.module';
export { JobEventRepository, type StoredJobEvent, type StoredLogLine } from './repositories/job-event.repository';
export {
  isRetryable,
  JobLifecycle,
  JOB_LIFECYCLE_PROVIDER,
  type AttemptFailure,
  type EndOptions,
  type JobEndingOf,
  type JobRef,
  type PublishMode,
  type RecordingJob,
} from './lifecycle/job.lifecycle';
export { LogRetention } from './lifecycle/log-retention';
export { GroupCommit, type GroupCommitOptions } from './lifecycle/group-commit';
export type { DetailReport } from './lifecycle/detail-batch';
