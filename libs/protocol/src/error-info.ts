/**
 * The error object of API.md lives in @jobserver/api (the job runner shared by the executor and
 * `runJobForTest` builds it); re-exported here so the server keeps importing it from the protocol.
 */
import { errorInfo, type ErrorInfo } from '@jobserver/api';

export { capErrorInfo, errorInfo, toErrorInfo, type ErrorInfo } from '@jobserver/api';

/** The `errorClass` of a job that was killed (DELETE, context stop, job-timeout). */
export const JOB_KILLED_CLASS = 'JobKilled';
/** The pieces of `Job <id> killed`, the one message of a killed job (also built in SQL from these). */
export const JOB_KILLED_MESSAGE = { prefix: 'Job ', suffix: ' killed' } as const;

/** `Job <id> killed`: the error a killed job ends with. */
export function killedError(jobId: string): ErrorInfo {
  return errorInfo(JOB_KILLED_CLASS, `${JOB_KILLED_MESSAGE.prefix}${jobId}${JOB_KILLED_MESSAGE.suffix}`);
}
