/**
 * @jobserver/api — everything a job author needs: the job types, `valid()` / `invalid()`,
 * and {@link runJobForTest} to unit-test a job without a server.
 */
export type {
  DataFiles,
  Job,
  JobConfig,
  JobContext,
  JobLog,
  LogFields,
  NamedObjectOptions,
  NamedObjects,
  ProgressUpdate,
  ValidationResult,
} from './types';
export { invalid, valid, validationFailure } from './validation';
export { NamedObjectStore, type NamedObjectDrop, type NamedObjectInfo } from './named-object-store';
export { runJobForTest, type TestJobOptions, type TestJobOutcome, type TestJobReports, type TestLogLine } from './testing';
export type { LogLevel, ProgressReport } from './job-events';
export { capErrorInfo, errorInfo, RetryableError, toErrorInfo, type ErrorInfo } from './error-info';
/** For the server only (the executor's job runner and result serializer); see ./internal.ts. */
export * as serverInternals from './internal';
