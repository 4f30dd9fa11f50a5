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

  it('captures progress (the latest, clamped), stages and log lines as the server records them', async () => {
    const job: Job = {
      runJob: (ctx) => {
        ctx.stage('load');
        for (let i = 0; i <= 1000; i++) ctx.progress({ done: i, total: 1000, message: `row ${i}` });
        ctx.progress(NaN);
        ctx.progress('most' as never);
        ctx.stage('x'.repeat(10_000));
        ctx.log.info('hello', { n: 1 });
        ctx.log.warn('w'.repeat(100_000));
        return 'done';
      },
    };
    const seen: string[] = [];
    const outcome = await runJobForTest(job, {}, { logLineLimit: 1024, log: { info: (m) => seen.push(m), warn: () => undefined, error: () => undefined } });
    expect(outcome).toMatchObject({
      status: 'OK',
      result: 'done',
      progress: { fraction: 1, done: 1000, total: 1000, message: 'row 1000' },
      stages: ['load', 'x'.repeat(200)],
      log: [{ level: 'INFO', message: 'hello', fields: { n: 1 } }, { level: 'WARN', message: expect.stringMatching(/truncated: 97\.7 KB line\)$/) }],
    });
    expect(Buffer.byteLength(outcome.log![1]!.message)).toBeLessThanOrEqual(1024);
    expect(seen).toEqual(['hello']);
  });

  it('keeps the newest logLinesRetained lines, also of a job that failed', async () => {
    const job: Job = {
      runJob: (ctx) => {
        for (let i = 0; i < 50; i++) ctx.log.error(`line ${i}`);
        throw new Error('boom');
      },
    };
    const outcome = await runJobForTest(job, {}, { logLinesRetained: 2 });
    expect(outcome).toMatchObject({ status: 'ERROR', log: [{ message: 'line 48' }, { message: 'line 49' }] });
    expect(outcome.progress).toBeUndefined();
    expect(outcome.stages).toBeUndefined();
  });
});
