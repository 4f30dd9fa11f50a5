import {
  serverInternals,
  type Job,
  type JobConfig,
  type JobContext,
  type JobLog,
  type LogFields,
  type NamedObjects,
} from '@jobserver/api';
import { toErrorInfo } from '@jobserver/protocol';
import type {
  FromExecutorMessage,
  JobLogLevel,
  JobOutcome,
  RunJobMessage,
} from './executor.messages';
import { hasRunJob, type JobFactory } from './job.loader';

const { capOutcome, runJobToOutcome, serializeLogFields } = serverInternals;

/** What a job run needs from the executor thread around it. */
export interface JobRunEnvironment {
  namedObjects: NamedObjects;
  signal: AbortSignal;
  post(message: FromExecutorMessage): void;
}

/** Largest serialized `fields` object kept when a log line's fields cannot be cloned as is. */
const MAX_LOG_FIELDS_BYTES = 64 * 1024;

/**
 * Runs one loaded job: instantiate, then the runner shared with `runJobForTest`
 * (@jobserver/api `serverInternals.runJobToOutcome`: validate, `runJob`, serialize the result,
 * cap errors), posting `validating` and `started` around it. Never throws; everything the job
 * does wrong becomes the returned outcome.
 */
export async function runLoadedJob(
  request: RunJobMessage,
  create: JobFactory,
  env: JobRunEnvironment,
): Promise<JobOutcome> {
  let job: unknown;
  try {
    job = create();
    if (!hasRunJob(job)) return { kind: 'class-not-found' };
  } catch (error) {
    // A 20 MB message is cut here already, so that it is not even copied to the main thread.
    return capOutcome<JobOutcome>({ kind: 'failed', error: toErrorInfo(error) }, request.maxErrorSize);
  }
  const validates = typeof (job as Job).validate === 'function';
  return runJobToOutcome(job as Job, jobContext(request, env), request.config as JobConfig, {
    maxResultSize: request.maxResultSize,
    maxErrorSize: request.maxErrorSize,
    validateTimeoutMs: request.validateTimeoutMs,
    onValidating: () => env.post({ type: 'validating', jobId: request.jobId }),
    beforeRun: () => {
      env.signal.throwIfAborted();
      // After a `validating`, the main thread needs to hear that validate returned.
      if (request.announceStart !== false || validates) env.post({ type: 'started', jobId: request.jobId });
    },
  });
}

/** The reason of a job whose `validate` did not return within `validate-timeout`. */
export const validateTimeoutMessage = serverInternals.validateTimeoutMessage;

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
