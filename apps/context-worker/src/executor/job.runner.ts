import {
  validationFailure,
  type Job,
  type JobConfig,
  type JobContext,
  type JobLog,
  type LogFields,
  type NamedObjects,
} from '@jobserver/api';
import { capErrorInfo, errorInfo, toErrorInfo } from '@jobserver/protocol';
import type {
  FromExecutorMessage,
  JobLogLevel,
  JobOutcome,
  RunJobMessage,
} from './executor.messages';
import { hasRunJob, type JobFactory } from './job.loader';
import { serializeLogFields, serializeResult } from './result-serializer';

/** What a job run needs from the executor thread around it. */
export interface JobRunEnvironment {
  namedObjects: NamedObjects;
  signal: AbortSignal;
  post(message: FromExecutorMessage): void;
}

/** Largest serialized `fields` object kept when a log line's fields cannot be cloned as is. */
const MAX_LOG_FIELDS_BYTES = 64 * 1024;

/**
 * Runs one loaded job: instantiate, validate, post `started`, `runJob`, serialize the result.
 * Never throws; everything the job does wrong becomes the returned outcome.
 */
export async function runLoadedJob(
  request: RunJobMessage,
  create: JobFactory,
  env: JobRunEnvironment,
): Promise<JobOutcome> {
  const outcome = await runJobOnce(request, create, env);
  // A 20 MB message is cut here already, so that it is not even copied to the main thread.
  const max = request.maxErrorSize;
  if (max === undefined) return outcome;
  if (outcome.kind === 'failed') return { ...outcome, error: capErrorInfo(outcome.error, max) };
  if (outcome.kind === 'invalid') return { ...outcome, reason: capErrorInfo(errorInfo('ValidationFailed', outcome.reason), max).message };
  return outcome;
}

async function runJobOnce(request: RunJobMessage, create: JobFactory, env: JobRunEnvironment): Promise<JobOutcome> {
  try {
    const job = create();
    if (!hasRunJob(job)) return { kind: 'class-not-found' };
    const ctx = jobContext(request, env);
    const config = request.config as JobConfig;
    const validates = typeof (job as Job).validate === 'function';
    if (validates) env.post({ type: 'validating', jobId: request.jobId });
    const reason = await validationReason(job as Job, ctx, config, request.validateTimeoutMs);
    if (reason !== null) return { kind: 'invalid', reason };
    env.signal.throwIfAborted();
    // After a `validating`, the main thread needs to hear that validate returned.
    if (request.announceStart !== false || validates) env.post({ type: 'started', jobId: request.jobId });
    const value: unknown = await (job as Job).runJob(ctx, config);
    return { kind: 'finished', result: serializeResult(value, request.maxResultSize) };
  } catch (error) {
    return { kind: 'failed', error: toErrorInfo(error) };
  }
}

/**
 * `null` when the job has no `validate` or it passed, else the reason it gave or threw, or that it
 * did not return within `timeoutMs` (a validate that spins never lets this timer fire: the main
 * thread's watchdog replaces the executor then).
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
    const validating = Promise.resolve(job.validate(ctx, config));
    if (timeoutMs === undefined) return validationFailure(await validating);
    const overrun = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(validateTimeoutMessage(timeoutMs)), timeoutMs);
    });
    const answer = await Promise.race([validating.then((result) => ({ result })), overrun]);
    return typeof answer === 'string' ? answer : validationFailure(answer.result);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** The reason of a job whose `validate` did not return within `validate-timeout`. */
export function validateTimeoutMessage(timeoutMs: number): string {
  return `validate did not return within validate-timeout (${timeoutMs / 1000}s)`;
}

function jobContext(request: RunJobMessage, env: JobRunEnvironment): JobContext {
  return {
    jobId: request.jobId,
    contextName: request.contextName,
    settings: Object.freeze({ ...request.settings }),
    namedObjects: env.namedObjects,
    namedRdds: env.namedObjects,
    signal: env.signal,
    log: jobLog(request.jobId, env.post),
  };
}

function jobLog(jobId: string, post: JobRunEnvironment['post']): JobLog {
  const line = (level: JobLogLevel) => (message: string, fields?: LogFields) =>
    postLog(post, { type: 'log', jobId, level, message: String(message), fields });
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/** Posts a log line; fields that cannot be cloned (functions, …) are sent in their JSON form. */
function postLog(
  post: JobRunEnvironment['post'],
  message: FromExecutorMessage & { type: 'log' },
): void {
  try {
    post(message);
  } catch {
    post({ ...message, fields: clonableFields(message.fields) });
  }
}

function clonableFields(fields: LogFields | undefined): LogFields | undefined {
  try {
    const text = serializeLogFields(fields, MAX_LOG_FIELDS_BYTES);
    return text === undefined ? undefined : (JSON.parse(text) as LogFields);
  } catch (error) {
    return { fieldsError: toErrorInfo(error).message };
  }
}
