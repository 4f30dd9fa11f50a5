import { describe, expect, it } from 'vitest';
import { errorInfo } from '@jobserver/protocol';
import { attemptFailure, jobEnding, type AttemptFacts } from './job-ending';

const facts: AttemptFacts = { classPath: 'x.Y', validateOverran: false, validateTimeoutMs: 5000, maxErrorSize: 64 * 1024 };
const died = errorInfo('ExecutorExited', 'executor exited with code 1');
const threw = { ...errorInfo('Error', 'boom'), stack: ['at job (file:///job.mjs:1:1)'] };

describe('attemptFailure', () => {
  it('tells an executor that died under the job from a job that threw', () => {
    expect(attemptFailure({ kind: 'failed', error: died, executorDied: true }, facts)).toEqual({ cause: 'executor-died', error: died });
    expect(attemptFailure({ kind: 'failed', error: threw }, facts)).toEqual({ cause: 'threw', error: threw });
    const flaky = { ...threw, retryable: true as const };
    expect(attemptFailure({ kind: 'failed', error: flaky }, facts)).toEqual({ cause: 'threw', error: flaky });
  });

  it('has no failure to retry for a killed job, a validate that overran, or an attempt that did not fail so', () => {
    const failed = { kind: 'failed' as const, error: died, executorDied: true as const };
    expect(attemptFailure(failed, { ...facts, killed: 'Job j killed' })).toBeNull();
    expect(attemptFailure(failed, { ...facts, validateOverran: true })).toBeNull();
    expect(attemptFailure({ kind: 'finished', result: '1' }, facts)).toBeNull();
    expect(attemptFailure({ kind: 'invalid', reason: 'no input' }, facts)).toBeNull();
    expect(attemptFailure({ kind: 'class-not-found' }, facts)).toBeNull();
    expect(attemptFailure({ kind: 'load-failed', error: threw }, facts)).toBeNull();
  });

  it('caps the error it retries with at max-error-size, keeping retryable', () => {
    const huge = { ...errorInfo('Error', 'x'.repeat(100_000)), retryable: true as const };
    const failure = attemptFailure({ kind: 'failed', error: huge }, { ...facts, maxErrorSize: 1024 });
    expect(Buffer.byteLength(JSON.stringify(failure!.error))).toBeLessThanOrEqual(1024);
    expect(failure!.error.retryable).toBe(true);
  });
});

describe('jobEnding', () => {
  it('ends a killed job KILLED whatever its outcome, and a death ERROR with its error', () => {
    expect(jobEnding({ kind: 'failed', error: died, executorDied: true }, { ...facts, killed: 'Job j killed' })).toEqual({
      status: 'KILLED',
      error: errorInfo('JobKilled', 'Job j killed'),
    });
    expect(jobEnding({ kind: 'failed', error: died, executorDied: true }, facts)).toEqual({ status: 'ERROR', error: died });
  });
});
