/**
 * The persistence layer without TypeORM and Nest: the repositories of a context worker on a pg
 * pool ({@link openPgSource}), and the job lifecycle. `@jobserver/persistence` has all of it too.
 */
export { openPgSource, PgSource, probeDatabase, unreachableServices, type DataSourceOptions } from './pg-source';
export type { SqlSource } from './repositories/pg-pool';
export type { JobStageRecord } from './entities/job.entity';
export { BundleRepository, type BundleRecord, type NewBundle } from './repositories/bundle.repository';
export { ContextRepository, contextRecordFromJson, type ContextRecord } from './repositories/context.repository';
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
export {
  SnapshotRepository,
  SNAPSHOT_CHUNK_SIZE,
  toSnapshotSummary,
  type SnapshotObject,
  type SnapshotRecord,
  type SnapshotSkip,
} from './repositories/snapshot.repository';
export { StatementRepository, type EndedStatement, type StatementRecord } from './repositories/statement.repository';
export {
  isRetryable,
  JobLifecycle,
  type AttemptFailure,
  type EndOptions,
  type ErrorLog,
  type JobEndingOf,
  type JobRef,
  type PublishMode,
  type RecordingJob,
} from './lifecycle/job.lifecycle';
export { LogRetention } from './lifecycle/log-retention';
export { GroupCommit, type GroupCommitOptions } from './lifecycle/group-commit';
export type { DetailReport } from './lifecycle/detail-batch';
