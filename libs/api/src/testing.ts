import { toErrorInfo, type ErrorInfo } from './error-info';
import { JOB_RUN_DEFAULTS, capOutcome, runJobToOutcome, type JobRunOutcome } from './job-run';
import { NamedObjectStore } from './named-object-store';
import type { Job, JobConfig, JobContext, JobLog, NamedObjects } from './types';

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
  /** Receives log lines. @defaultValue discards them */
  log?: JobLog;
  /** The server's `max-result-size`, in bytes. @defaultValue `16 * 1024 * 1024` (16m) */
  maxResultSize?: number;
  /** The server's `max-error-size`, in bytes. @defaultValue `64 * 1024` (64k) */
  maxErrorSize?: number;
  /** The server's `validate-timeout`, in milliseconds. @defaultValue `30000` (30s) */
  validateTimeoutMs?: number;
}

/**
 * The outcome of {@link runJobForTest}, shaped like the server's answer. `result` is the value the
 * server serves: the result's JSON text parsed back (API.md "Result serialization": Maps become
 * objects, Sets and typed arrays arrays, Dates ISO strings, a result holding a function, Error or
 * cycle the whole `String(result)`), absent when `runJob` returned `undefined`.
 */
export type TestJobOutcome =
  | { status: 'OK'; result?: unknown }
  | { status: 'VALIDATION FAILED'; reason: string }
  | { status: 'ERROR'; error: ErrorInfo };

const silentLog: JobLog = { info() {}, warn() {}, error() {} };

/**
 * Runs a job without a server, for unit tests, with the server's own runner and result
 * serializer: validate (within `validateTimeoutMs`), then `runJob`, the result serialized within
 * `maxResultSize`. What `runJob` throws (or a result over `maxResultSize`) is answered
 * `{status: 'ERROR', error: {message, errorClass, stack}}`, capped at `maxErrorSize`, as the
 * server answers it; it does not propagate (nor does a throwing job-class constructor).
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
  const outcome = await runJobToOutcome(instance, testContext(options), config as JobConfig, {
    maxResultSize: options.maxResultSize ?? JOB_RUN_DEFAULTS.maxResultSize,
    maxErrorSize,
    validateTimeoutMs: options.validateTimeoutMs ?? JOB_RUN_DEFAULTS.validateTimeoutMs,
  });
  return testOutcome(outcome);
}

function testContext(options: TestJobOptions): JobContext {
  const namedObjects = options.namedObjects ?? new NamedObjectStore();
  return {
    jobId: options.jobId ?? 'test-job',
    contextName: options.contextName ?? 'test-context',
    settings: Object.freeze({ ...(options.settings ?? {}) }),
    namedObjects,
    namedRdds: namedObjects,
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? silentLog,
  };
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
