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

  it('answers invalid, never throws, for a validate that throws or returns what cannot be printed', async () => {
    const threw = await runJobToOutcome(validating(() => { throw Object.create(null); }), ctx, {}, options);
    expect(threw).toEqual({ kind: 'invalid', reason: '[object Object]' });
    const returned = await runJobToOutcome(validating(() => Object.create(null)), ctx, {}, options);
    expect(returned).toMatchObject({ kind: 'invalid' });
  });

  it('ends failed with the error object, never throws, for a runJob that throws an odd value', async () => {
    const stackIsNumber: Job = { runJob: () => { throw Object.assign(new Error('boom'), { stack: 7 }); } };
    expect(await runJobToOutcome(stackIsNumber, ctx, {}, options)).toEqual({ kind: 'failed', error: { message: 'boom', errorClass: 'Error', stack: [] } });
    const nullProto: Job = { runJob: () => { throw Object.create(null); } };
    expect(await runJobToOutcome(nullProto, ctx, {}, options)).toEqual({ kind: 'failed', error: { message: '[object Object]', errorClass: 'Error', stack: [] } });
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
