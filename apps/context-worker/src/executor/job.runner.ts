import { serverInternals, type DataFiles, type Job, type JobConfig, type JobContext, type JobLog, type NamedObjects } from '@jobserver/api';
import { toErrorInfo } from '@jobserver/protocol';
import type { FromExecutorMessage, JobOutcome, RunJobMessage } from './executor.messages';
import { hasRunJob, type JobFactory } from './job.loader';
import type { JobReports } from './job-reports';

const { capOutcome, runJobToOutcome } = serverInternals;

/** What a job run needs from the executor thread around it. */
export interface JobRunEnvironment {
  namedObjects: NamedObjects;
  signal: AbortSignal;
  post(message: FromExecutorMessage): void;
  /** Where the job's progress, stages and log lines go. */
  reports: JobReports;
  /** The job's `ctx.data`. */
  data: DataFiles;
}

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
  const reports = env.reports;
  const log: JobLog = {
    info: (message, fields) => reports.reporter.log('INFO', message, fields),
    warn: (message, fields) => reports.reporter.log('WARN', message, fields),
    error: (message, fields) => reports.reporter.log('ERROR', message, fields),
  };
  return {
    jobId: request.jobId,
    contextName: request.contextName,
    settings: Object.freeze({ ...request.settings }),
    namedObjects: env.namedObjects,
    namedRdds: env.namedObjects,
    signal: env.signal,
    log,
    progress: (value) => reports.reporter.progress(value),
    stage: (name) => reports.reporter.stage(name),
    data: env.data,
  };
}
