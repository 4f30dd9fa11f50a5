import { describe, expect, it } from 'vitest';
import { runJobForTest } from './testing';
import type { Job } from './types';

/** A job returning what `make` makes (a copy of examples/src/demo.jobs.ts ResultTypesExample's kinds). */
const returning = (make: () => unknown): Job => ({ runJob: () => make() });

const cycle: Record<string, unknown> = { name: 'cycle' };
cycle.self = cycle;

/** API.md "Result serialization": what the server serves (apps/context-worker/test/serialization.e2e-spec.ts). */
const SERVED: Array<[kind: string, make: () => unknown, served: unknown]> = [
  ['number', () => 42.5, 42.5],
  ['set', () => new Set([1, 2, 2, 3]), [1, 2, 3]],
  ['map', () => new Map<unknown, unknown>([['a', 1], [2, new Map([['x', true]])]]), { a: 1, '2': { x: true } }],
  ['object', () => ({ nested: { list: [1, 2], when: new Date(0) } }), { nested: { list: [1, 2], when: '1970-01-01T00:00:00.000Z' } }],
  ['typedArray', () => new Uint8Array([1, 2, 255]), [1, 2, 255]],
  ['date', () => new Date('2026-01-02T03:04:05.000Z'), '2026-01-02T03:04:05.000Z'],
  ['bigint', () => 12n, 12],
  ['bigBigint', () => 12345678901234567890n, '12345678901234567890'],
  ['cycle', () => cycle, '[object Object]'],
  ['nestedFunction', () => ({ ok: 1, f: function named() {} }), '[object Object]'],
  ['nestedError', () => [1, new Error('boom')], '1,Error: boom'],
  ['nestedCycle', () => ({ list: [1, cycle] }), '[object Object]'],
];

describe('runJobForTest', () => {
  it.each(SERVED)('gives a %s result as the server serves it', async (_kind, make, served) => {
    expect(await runJobForTest(returning(make), {})).toEqual({ status: 'OK', result: served });
  });

  it('gives no result for undefined, like the job report', async () => {
    const outcome = await runJobForTest(returning(() => undefined), {});
    expect(outcome).toEqual({ status: 'OK' });
    expect(outcome).not.toHaveProperty('result');
  });

  it('answers ERROR with the error object when runJob throws', async () => {
    const job: Job = { runJob: () => { throw new RangeError('out of range'); } };
    const outcome = await runJobForTest(job, {});
    expect(outcome).toMatchObject({ status: 'ERROR', error: { message: 'out of range', errorClass: 'RangeError' } });
    expect(outcome.status === 'ERROR' && outcome.error.stack[0]).toMatch(/^at /);
  });

  it('answers ERROR ResultTooLarge for a result over maxResultSize', async () => {
    const outcome = await runJobForTest(returning(() => 'x'.repeat(2000)), {}, { maxResultSize: 1024 });
    expect(outcome).toMatchObject({ status: 'ERROR', error: { errorClass: 'ResultTooLarge', message: expect.stringMatching(/over max-result-size 1 KB/) } });
  });

  it('caps a huge error message at maxErrorSize', async () => {
    const job: Job = { runJob: () => { throw new Error('m'.repeat(200_000)); } };
    const outcome = await runJobForTest(job, {}, { maxErrorSize: 2048 });
    expect(outcome.status).toBe('ERROR');
    if (outcome.status !== 'ERROR') return;
    expect(Buffer.byteLength(JSON.stringify(outcome.error))).toBeLessThanOrEqual(2048);
    expect(outcome.error.message).toMatch(/truncated/);
  });

  it('fails validation when validate does not return within validateTimeoutMs', async () => {
    const job: Job = { validate: () => new Promise(() => {}), runJob: () => 1 };
    const outcome = await runJobForTest(job, {}, { validateTimeoutMs: 20 });
    expect(outcome).toEqual({ status: 'VALIDATION FAILED', reason: 'validate did not return within validate-timeout (0.02s)' });
  });
});

describe('runJobForTest on a job class', () => {
  it('answers ERROR when the constructor throws, as the server does', async () => {
    class Broken implements Job {
      constructor() {
        throw new TypeError('no constructor for you');
      }
      runJob() {
        return 1;
      }
    }
    const outcome = await runJobForTest(Broken, {});
    expect(outcome).toMatchObject({ status: 'ERROR', error: { errorClass: 'TypeError', message: 'no constructor for you' } });
  });
});
