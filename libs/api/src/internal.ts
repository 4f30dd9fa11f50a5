/**
 * Server internals: the job runner and result serializer the context worker's executor shares with
 * {@link runJobForTest}. Exported from @jobserver/api as the `serverInternals` namespace only
 * because libs/api may import nothing and the executor must run the very same code; job authors
 * should not use them (no stability promise).
 */
export {
  JOB_RUN_DEFAULTS,
  capOutcome,
  runJobToOutcome,
  validateTimeoutMessage,
  type JobRunOptions,
  type JobRunOutcome,
} from './job-run';
export {
  MAX_RESULT_DEPTH,
  ResultTooDeep,
  ResultTooLarge,
  serializeLogFields,
  serializeResult,
} from './result-serializer';
export {
  JobReporter,
  MAX_REPORT_TEXT,
  MAX_STAGES,
  ReportBuffer,
  toLogLine,
  toProgress,
  toStageName,
  type LogLevel,
  type ProgressReport,
  type ReportLimits,
  type ReportedEvent,
} from './job-events';
