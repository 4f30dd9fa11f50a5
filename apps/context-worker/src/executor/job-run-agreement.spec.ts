import { runJobForTest, NamedObjectStore, type Job } from '@jobserver/api';
import { describe, expect, it } from 'vitest';
import { FailingExample, ResultTypesExample } from '../../../../examples/src/demo.jobs';
import type { FromExecutorMessage, JobOutcome, RunJobMessage } from './executor.messages';
import { runLoadedJob } from './job.runner';

/** runJobForTest and the executor's runLoadedJob answer every job alike (issue 10, item 2). */

/** Every kind ResultTypesExample makes (apps/context-worker/test/serialization.e2e-spec.ts serves them). */
const KINDS = [
  'number', 'string', 'boolean', 'null', 'undefined', 'array', 'set', 'map', 'object', 'typedArray', 'date',
  'bigint', 'bigBigint', 'function', 'cycle', 'instance', 'symbol', 'nestedFunction', 'nestedError',
  'nestedCycle', 'nestedInstance',
];

const LIMITS = { maxResultSize: 1024, maxErrorSize: 2048, validateTimeoutMs: 50 };

/** The executor's outcome in the shape of runJobForTest's (result: the served JSON parsed back). */
function answer(outcome: JobOutcome): unknown {
  switch (outcome.kind) {
    case 'finished':
      return outcome.result === undefined ? { status: 'OK' } : { status: 'OK', result: JSON.parse(outcome.result) };
    case 'invalid':
      return { status: 'VALIDATION FAILED', reason: outcome.reason };
    case 'failed':
      return { status: 'ERROR', error: outcome.error };
    default:
      return outcome;
  }
}

async function onExecutor(job: Job | (() => Job), config: Record<string, unknown>): Promise<{ answer: unknown; posted: string[] }> {
  const request: RunJobMessage = {
    type: 'run', jobId: 'test-job', contextName: 'test-context', entryPath: '/unused', classPath: 'Job',
    config, settings: {}, ...LIMITS,
  };
  const posted: string[] = [];
  const post = (message: FromExecutorMessage) => void posted.push(message.type);
  const data = { read: () => Promise.reject(new Error('none')), path: () => Promise.reject(new Error('none')) };
  const env = { namedObjects: new NamedObjectStore(), signal: new AbortController().signal, post, data };
  const create = typeof job === 'function' ? job : () => job;
  return { answer: answer(await runLoadedJob(request, create, env)), posted };
}

/** Stack frames differ by the caller's frames below runJob; compare the job's own top frame only. */
function withoutCallerFrames(value: unknown): unknown {
  const v = value as { status?: string; error?: { stack: string[] } };
  if (v.status !== 'ERROR' || !v.error) return value;
  return { ...v, error: { ...v.error, stack: v.error.stack.slice(0, 1) } };
}

async function both(job: Job, config: Record<string, unknown>): Promise<[unknown, unknown]> {
  const server = (await onExecutor(job, config)).answer;
  const test = await runJobForTest(job, config, LIMITS);
  return [withoutCallerFrames(test), withoutCallerFrames(server)];
}

describe('runJobForTest and the executor agree', () => {
  it.each(KINDS)('on a %s result', async (kind) => {
    const [test, server] = await both(ResultTypesExample as Job, { kind });
    expect(test).toEqual(server);
    expect(test).toHaveProperty('status', 'OK');
  });

  it('on a result over max-result-size', async () => {
    const job: Job = { runJob: () => 'x'.repeat(5000) };
    const [test, server] = await both(job, {});
    expect(test).toEqual(server);
    expect(test).toMatchObject({ status: 'ERROR', error: { errorClass: 'ResultTooLarge' } });
  });

  it('on a job that throws', async () => {
    const [test, server] = await both(FailingExample as Job, { errorClass: 'RangeError', message: 'boom' });
    expect(test).toEqual(server);
    expect(test).toMatchObject({ status: 'ERROR', error: { errorClass: 'RangeError', message: 'boom' } });
  });

  it('on a huge error, capped at max-error-size', async () => {
    // A fixed stack: how much of the message fits depends on the frames kept.
    const frames = Array.from({ length: 100 }, (_, i) => `    at frame${i} (file:///job.mjs:${i}:1)`);
    const huge = Object.assign(new TypeError('m'.repeat(100_000)), { stack: ['TypeError: m', ...frames].join('\n') });
    const job: Job = { runJob: () => { throw huge; } };
    const server = (await onExecutor(job, {})).answer;
    const test = await runJobForTest(job, {}, LIMITS);
    expect(test).toEqual(server);
    expect(test).toMatchObject({ status: 'ERROR', error: { errorClass: 'TypeError', message: expect.stringMatching(/truncated/) } });
  });

  it.each<[string, Job]>([
    ['an invalid answer', { validate: () => ({ valid: false, reason: 'r'.repeat(100_000) }), runJob: () => 1 }],
    ['a throwing validate', { validate: () => { throw new Error('bad config'); }, runJob: () => 1 }],
    ['a validate over validate-timeout', { validate: () => new Promise(() => {}), runJob: () => 1 }],
  ])('on %s', async (_name, job) => {
    const [test, server] = await both(job, {});
    expect(test).toEqual(server);
    expect(test).toHaveProperty('status', 'VALIDATION FAILED');
  });

  it('on a job class whose constructor throws', async () => {
    const fixed = new TypeError('no constructor for you');
    fixed.stack = 'TypeError: no constructor for you\n    at new Broken (file:///job.mjs:1:1)';
    class Broken implements Job {
      constructor() {
        throw fixed;
      }
      runJob() {
        return 1;
      }
    }
    const server = (await onExecutor(() => new Broken(), {})).answer;
    const test = await runJobForTest(Broken, {}, LIMITS);
    expect(test).toEqual(server);
    expect(test).toMatchObject({ status: 'ERROR', error: { errorClass: 'TypeError' } });
  });

  it('keeps posting validating and started around the shared runner', async () => {
    const job: Job = { validate: () => undefined, runJob: () => 1 };
    expect((await onExecutor(job, {})).posted).toEqual(['validating', 'started']);
  });
});
