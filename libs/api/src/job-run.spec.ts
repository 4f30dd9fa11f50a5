import { afterEach, describe, expect, it, vi } from 'vitest';
import { runJobToOutcome } from './job-run';
import type { Job, JobContext } from './types';

const ctx = {} as JobContext;
const options = { maxResultSize: 1024, validateTimeoutMs: 1000 };

/** A job whose `validate` answers what `answer` gives; `runJob` returns 'ran'. */
const validating = (answer: () => unknown): Job => ({ validate: answer, runJob: () => 'ran' });

describe('runJobToOutcome: validate and validate-timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('arms no validate-timeout timer for a validate that returned a value (the warm path)', async () => {
    vi.useFakeTimers();
    const run = runJobToOutcome(validating(() => ({ valid: true })), ctx, {}, options);
    // validate has already returned: a timer here would only be set and cleared again.
    expect(vi.getTimerCount()).toBe(0);
    expect(await run).toEqual({ kind: 'finished', result: '"ran"' });
  });

  it('still answers invalid for a sync validate that says so, or throws', async () => {
    const said = await runJobToOutcome(validating(() => ({ valid: false, reason: 'no input' })), ctx, {}, options);
    expect(said).toEqual({ kind: 'invalid', reason: 'no input' });
    const threw = await runJobToOutcome(validating(() => { throw new Error('bad config'); }), ctx, {}, options);
    expect(threw).toEqual({ kind: 'invalid', reason: 'bad config' });
  });

  it('times out a validate whose promise stays pending past validate-timeout', async () => {
    vi.useFakeTimers();
    const run = runJobToOutcome(validating(() => new Promise(() => undefined)), ctx, {}, options);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await run).toEqual({ kind: 'invalid', reason: 'validate did not return within validate-timeout (1s)' });
  });

  it('awaits a thenable validate answer (not only native promises)', async () => {
    const thenable = { then: (resolve: (v: unknown) => void) => resolve({ valid: false, reason: 'later' }) };
    const outcome = await runJobToOutcome(validating(() => thenable), ctx, {}, options);
    expect(outcome).toEqual({ kind: 'invalid', reason: 'later' });
  });
});
