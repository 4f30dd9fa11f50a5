import { toErrorInfo, type ErrorInfo } from './error-info';
import { JobReporter, type LogLevel, type ProgressReport } from './job-events';
import { JOB_RUN_DEFAULTS, capOutcome, runJobToOutcome, type JobRunOutcome } from './job-run';
import { NamedObjectStore } from './named-object-store';
import { TestDataFiles } from './test-data';
import type { DataFiles, Job, JobConfig, JobContext, JobLog, LogFields, NamedObjects } from './types';

/** Options of {@link runJobForTest}. */
export interface TestJobOptions {
  /** @defaultValue `'test-job'` */
  jobId?: string;
  /** @defaultValue `'test-context'` */
  contextName?: string;
  /** @defaultValue `{}` */
  settings?: Record<string, unknown>;
  /** Share one store between calls to test named-object reuse. @defaultValue a new store */
  namedObjects?: NamedObjects;
  signal?: AbortSignal;
  /** Receives log lines as the job logs them (they are also captured in the outcome's `log`). @defaultValue none */
  log?: JobLog;
  /** The server's `max-result-size`, in bytes. @defaultValue `16 * 1024 * 1024` (16m) */
  maxResultSize?: number;
  /** The server's `max-error-size`, in bytes. @defaultValue `64 * 1024` (64k) */
  maxErrorSize?: number;
  /** The server's `validate-timeout`, in milliseconds. @defaultValue `30000` (30s) */
  validateTimeoutMs?: number;
  /** The server's `log-line-limit`, in bytes. @defaultValue `8192` (8k) */
  logLineLimit?: number;
  /** The server's `log-lines-retained`. @defaultValue `10000` */
  logLinesRetained?: number;
  /** Data files `ctx.data` serves, by filename (as `POST /data` named them). @defaultValue none */
  data?: Readonly<Record<string, Buffer | string>>;
}

/** A line the job logged, as the server keeps it (cut at `log-line-limit`). */
export interface TestLogLine {
  level: LogLevel;
  message: string;
  fields?: LogFields;
}

/**
 * What the job reported while it ran, as the server records it; each key is present only once
 * the job reported one: `progress` the latest (`{fraction, done?, total?, message?}`),
 * `stages` the stage names in order, `log` the newest `logLinesRetained` lines.
 */
export interface TestJobReports {
  progress?: ProgressReport;
  stages?: string[];
  log?: TestLogLine[];
}

/**
 * The outcome of {@link runJobForTest}, shaped like the server's answer. `result` is the value the
 * server serves: the result's JSON text parsed back (API.md "Result serialization": Maps become
 * objects, Sets and typed arrays arrays, Dates ISO strings, a result holding a function, Error or
 * cycle the whole `String(result)`), absent when `runJob` returned `undefined`.
 */
export type TestJobOutcome = (
  | { status: 'OK'; result?: unknown }
  | { status: 'VALIDATION FAILED'; reason: string }
  | { status: 'ERROR'; error: ErrorInfo }
) &
  TestJobReports;

/**
 * Runs a job without a server, for unit tests, with the server's own runner and result
 * serializer: validate (within `validateTimeoutMs`), then `runJob`, the result serialized within
 * `maxResultSize`. What `runJob` throws (or a result over `maxResultSize`) is answered
 * `{status: 'ERROR', error: {message, errorClass, stack}}`, capped at `maxErrorSize`, as the
 * server answers it; it does not propagate (nor does a throwing job-class constructor).
 * `ctx.progress`, `ctx.stage` and `ctx.log` follow the server's rules (clamping, cutting, the
 * latest progress winning, at most `logLinesRetained` lines) and what they recorded comes back
 * in the outcome's {@link TestJobReports} keys.
 *
 * @example
 * ```ts
 * const outcome = await runJobForTest(WordCountExample, { input: { string: 'a b a' } });
 * expect(outcome).toEqual({ status: 'OK', result: { a: 2, b: 1 } });
 * ```
 */
export async function runJobForTest<C = JobConfig, R = unknown>(
  job: Job<C, R> | (new () => Job<C, R>),
  config: C,
  options: TestJobOptions = {},
): Promise<TestJobOutcome> {
  const maxErrorSize = options.maxErrorSize ?? JOB_RUN_DEFAULTS.maxErrorSize;
  let instance: Job;
  try {
    instance = (typeof job === 'function' ? new job() : job) as unknown as Job;
  } catch (error) {
    // The server answers a throwing constructor ERROR too.
    return testOutcome(capOutcome<JobRunOutcome>({ kind: 'failed', error: toErrorInfo(error) }, maxErrorSize));
  }
  const reporter = new JobReporter({
    logLineLimit: options.logLineLimit ?? JOB_RUN_DEFAULTS.logLineLimit,
    logLinesRetained: options.logLinesRetained ?? JOB_RUN_DEFAULTS.logLinesRetained,
  });
  const data = new TestDataFiles(options.data ?? {});
  const outcome = await runJobToOutcome(instance, testContext(options, reporter, data), config as JobConfig, {
    maxResultSize: options.maxResultSize ?? JOB_RUN_DEFAULTS.maxResultSize,
    maxErrorSize,
    validateTimeoutMs: options.validateTimeoutMs ?? JOB_RUN_DEFAULTS.validateTimeoutMs,
  }).finally(() => data.cleanUp());
  return { ...testOutcome(outcome), ...testReports(reporter) };
}

function testContext(options: TestJobOptions, reporter: JobReporter, data: DataFiles): JobContext {
  const namedObjects = options.namedObjects ?? new NamedObjectStore();
  const line = (level: LogLevel, name: keyof JobLog) => (message: string, fields?: LogFields) => {
    reporter.log(level, message, fields);
    options.log?.[name](message, fields);
  };
  return {
    jobId: options.jobId ?? 'test-job',
    contextName: options.contextName ?? 'test-context',
    settings: Object.freeze({ ...(options.settings ?? {}) }),
    namedObjects,
    namedRdds: namedObjects,
    signal: options.signal ?? new AbortController().signal,
    log: { info: line('INFO', 'info'), warn: line('WARN', 'warn'), error: line('ERROR', 'error') },
    progress: (value) => reporter.progress(value),
    stage: (name) => reporter.stage(name),
    data,
  };
}

/** What the reporter kept: every stage and kept line, and the latest progress. */
function testReports(reporter: JobReporter): TestJobReports {
  const reports: TestJobReports = {};
  for (const event of reporter.buffer.take().events) {
    if (event.type === 'progress') {
      const { type: _type, time: _time, ...progress } = event;
      reports.progress = progress;
    } else if (event.type === 'stage') (reports.stages ??= []).push(event.name);
    else (reports.log ??= []).push(event.fields ? { level: event.level, message: event.message, fields: event.fields } : { level: event.level, message: event.message });
  }
  return reports;
}

function testOutcome(outcome: JobRunOutcome): TestJobOutcome {
  switch (outcome.kind) {
    case 'finished':
      return outcome.result === undefined
        ? { status: 'OK' }
        : { status: 'OK', result: JSON.parse(outcome.result) as unknown };
    case 'invalid':
      return { status: 'VALIDATION FAILED', reason: outcome.reason };
    case 'failed':
      return { status: 'ERROR', error: outcome.error };
  }
}
