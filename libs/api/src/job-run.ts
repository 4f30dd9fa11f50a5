import { capErrorInfo, errorInfo, toErrorInfo, type ErrorInfo } from './error-info';
import { serializeResult } from './result-serializer';
import type { Job, JobConfig, JobContext } from './types';
import { validationFailure } from './validation';

/**
 * The server's defaults of the limits a job run honours (README "Configuration":
 * `max-result-size` 16m, `max-error-size` 64k, `validate-timeout` 30s, `progress-rate` 10,
 * `log-line-limit` 8k, `log-lines-retained` 10000). libs/api imports nothing,
 * so they are repeated here; apps/context-worker/src/job-run-defaults.spec.ts checks that
 * they equal libs/config's CONFIG_DEFAULTS.
 */
export const JOB_RUN_DEFAULTS = {
  maxResultSize: 16 * 1024 * 1024,
  maxErrorSize: 64 * 1024,
  validateTimeoutMs: 30_000,
  progressRate: 10,
  logLineLimit: 8 * 1024,
  logLinesRetained: 10_000,
} as const;

/** How one run of a job ended, before the server (or `runJobForTest`) words it. */
export type JobRunOutcome =
  /** `result` is the JSON text of the result; absent when the job returned `undefined`. */
  | { kind: 'finished'; result?: string }
  /** `runJob` threw (or its result could not be serialized). */
  | { kind: 'failed'; error: ErrorInfo }
  /** `validate` said invalid, threw, or did not return within `validateTimeoutMs`. */
  | { kind: 'invalid'; reason: string };

/** Limits and hooks of {@link runJobToOutcome}. */
export interface JobRunOptions {
  /** `max-result-size`, in bytes, of the result's JSON text. */
  maxResultSize: number;
  /** `max-error-size`, in bytes, of an error object or validation reason; no cap when absent. */
  maxErrorSize?: number;
  /** `validate-timeout`, in milliseconds; no timeout when absent. */
  validateTimeoutMs?: number;
  /** Called just before a job's `validate` is called (not for jobs without one). */
  onValidating?(): void;
  /** Called after validation passed, just before `runJob`; a throw fails the run with it. */
  beforeRun?(): void;
}

/**
 * Runs one job the way the server does: validate (within `validateTimeoutMs`), `runJob`, the
 * result serialized by {@link serializeResult} within `maxResultSize`, errors and reasons capped at
 * `maxErrorSize`. Shared by the executor thread and `runJobForTest`, so both answer alike.
 * Never throws: everything the job does wrong becomes the returned outcome.
 */
export async function runJobToOutcome(
  job: Job,
  ctx: JobContext,
  config: JobConfig,
  options: JobRunOptions,
): Promise<JobRunOutcome> {
  return capOutcome(await runOnce(job, ctx, config, options), options.maxErrorSize);
}

async function runOnce(job: Job, ctx: JobContext, config: JobConfig, options: JobRunOptions): Promise<JobRunOutcome> {
  try {
    if (typeof job.validate === 'function') options.onValidating?.();
    const reason = await validationReason(job, ctx, config, options.validateTimeoutMs);
    if (reason !== null) return { kind: 'invalid', reason };
    options.beforeRun?.();
    const value: unknown = await job.runJob(ctx, config);
    return { kind: 'finished', result: serializeResult(value, options.maxResultSize) };
  } catch (error) {
    return { kind: 'failed', error: toErrorInfo(error) };
  }
}

/** Cuts an outcome's error object or validation reason to `maxBytes` (`max-error-size`). */
export function capOutcome<O extends { kind: string }>(outcome: O, maxBytes: number | undefined): O {
  if (maxBytes === undefined) return outcome;
  if (isFailed(outcome)) return { ...outcome, error: capErrorInfo(outcome.error, maxBytes) };
  if (isInvalid(outcome)) {
    return { ...outcome, reason: capErrorInfo(errorInfo('ValidationFailed', outcome.reason), maxBytes).message };
  }
  return outcome;
}

const isFailed = (o: { kind: string }): o is { kind: 'failed'; error: ErrorInfo } => o.kind === 'failed';
const isInvalid = (o: { kind: string }): o is { kind: 'invalid'; reason: string } => o.kind === 'invalid';

/**
 * `null` when the job has no `validate` or it passed, else the reason it gave or threw, or that it
 * did not return within `timeoutMs` (a validate that spins never lets this timer fire: the
 * server's watchdog replaces the executor then).
 */
async function validationReason(
  job: Job,
  ctx: JobContext,
  config: JobConfig,
  timeoutMs: number | undefined,
): Promise<string | null> {
  if (typeof job.validate !== 'function') return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answer: unknown = job.validate(ctx, config);
    // A validate that returned a value (not a promise) has returned in time: no timer, no race.
    if (!isThenable(answer)) return validationFailure(answer);
    const validating = Promise.resolve(answer);
    if (timeoutMs === undefined) return validationFailure(await validating);
    const overrun = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(validateTimeoutMessage(timeoutMs)), timeoutMs);
    });
    const settled = await Promise.race([validating.then((result) => ({ result })), overrun]);
    return typeof settled === 'string' ? settled : validationFailure(settled.result);
  } catch (error) {
    return toErrorInfo(error).message;
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The reason of a job whose `validate` did not return within `validate-timeout`. */
export function validateTimeoutMessage(timeoutMs: number): string {
  return `validate did not return within validate-timeout (${timeoutMs / 1000}s)`;
}
