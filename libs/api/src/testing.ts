import { NamedObjectStore } from './named-object-store';
import type { Job, JobConfig, JobContext, JobLog, NamedObjects } from './types';
import { validationFailure } from './validation';

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
}

/** The outcome of {@link runJobForTest}, shaped like the server's sync answer. */
export type TestJobOutcome<R> =
  | { status: 'OK'; result: R }
  | { status: 'VALIDATION FAILED'; reason: string };

const silentLog: JobLog = { info() {}, warn() {}, error() {} };

/**
 * Runs a job the way a context does (validate, then runJob) without a server, for unit tests.
 * Errors thrown by `runJob` propagate.
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
): Promise<TestJobOutcome<R>> {
  const instance = typeof job === 'function' ? new job() : job;
  const namedObjects = options.namedObjects ?? new NamedObjectStore();
  const ctx: JobContext = {
    jobId: options.jobId ?? 'test-job',
    contextName: options.contextName ?? 'test-context',
    settings: Object.freeze({ ...(options.settings ?? {}) }),
    namedObjects,
    namedRdds: namedObjects,
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? silentLog,
  };
  if (instance.validate) {
    let reason: string | null;
    try {
      reason = validationFailure(await instance.validate(ctx, config));
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (reason !== null) return { status: 'VALIDATION FAILED', reason };
  }
  return { status: 'OK', result: await instance.runJob(ctx, config) };
}
