import type { AttemptFailure, JobEnding } from '@jobserver/persistence/core';
import { capErrorInfo, errorInfo, type JobRejection } from '@jobserver/protocol';
import type { JobOutcome } from '../executor/executor.messages';
import { validateTimeoutMessage } from '../executor/job.runner';

/** How a job ends, with why it failed before it ran (for the gateways' HTTP answer). */
export type Ending = JobEnding & { rejection?: JobRejection };

/** What the worker knows of an attempt besides its outcome. */
export interface AttemptFacts {
  classPath: string;
  /** Why it was killed (DELETE, job-timeout, a context stop); absent if it was not. */
  killed?: string;
  /** Its `validate` outlived validate-timeout + kill-grace (the executor was replaced for it). */
  validateOverran: boolean;
  validateTimeoutMs: number;
  /** `max-error-size`: an error from user code is capped before it is stored. */
  maxErrorSize: number;
}

/** How the job ends after an attempt that ended so. */
export function jobEnding(outcome: JobOutcome, facts: AttemptFacts): Ending {
  const ending = uncappedEnding(outcome, facts);
  return ending.error ? { ...ending, error: capErrorInfo(ending.error, facts.maxErrorSize) } : ending;
}

/**
 * How an attempt failed, for JobLifecycle.retry to decide on: its executor died under it, or it
 * threw; null for an attempt that is never retried (it finished, was killed, was invalid, did
 * not load).
 */
export function attemptFailure(outcome: JobOutcome, facts: AttemptFacts): AttemptFailure | null {
  if (outcome.kind !== 'failed' || facts.killed !== undefined || facts.validateOverran) return null;
  const { error } = jobEnding(outcome, facts);
  return { cause: 'executorDied' in outcome ? 'executor-died' : 'threw', error: error! };
}

function uncappedEnding(outcome: JobOutcome, facts: AttemptFacts): Ending {
  if (facts.killed !== undefined) return { status: 'KILLED', error: errorInfo('JobKilled', facts.killed) };
  if (facts.validateOverran) {
    const reason = validateTimeoutMessage(facts.validateTimeoutMs);
    return { status: 'ERROR', error: errorInfo('ValidationFailed', reason), rejection: 'VALIDATION' };
  }
  switch (outcome.kind) {
    case 'finished':
      return { status: 'FINISHED', result: outcome.result ?? null };
    case 'invalid':
      return { status: 'ERROR', error: errorInfo('ValidationFailed', outcome.reason), rejection: 'VALIDATION' };
    case 'class-not-found':
      return {
        status: 'ERROR',
        error: errorInfo('ClassPathNotFound', `classPath ${facts.classPath} not found`),
        rejection: 'CLASS_NOT_FOUND',
      };
    case 'statement':
      // Only console statements end so; a job that does is a protocol error.
      return { status: 'ERROR', error: errorInfo('ProtocolError', 'the executor ended the job as a statement') };
    default:
      return { status: 'ERROR', error: outcome.error };
  }
}
