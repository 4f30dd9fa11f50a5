import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor, type ExecutorOptions } from './executor';
import { buildExecutorThread } from './executor-thread.testing';
import type { JobOutcome } from './executor.messages';

/** The executor's side of bundle verification, validate-timeout and max-error-size, on a real thread. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-limits-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const esm = path.join(tmp, 'jobs.mjs');
const cjs = path.join(tmp, 'jobs.cjs');

const ESM_JOBS = `
export const Echo = { runJob: (ctx) => ({ context: ctx.contextName }) };
export class Counter { n = 0; runJob() { this.n += 1; return this.n; } }
export const HugeError = { runJob: () => { throw new TypeError('e'.repeat(1024 * 1024)); } };
export const HugeReason = { validate: () => ({ valid: false, reason: 'r'.repeat(1024 * 1024) }), runJob: () => 1 };
export const HangValidate = { validate: () => new Promise(() => {}), runJob: () => 1 };
export const SpinValidate = { validate() { for (;;); }, runJob: () => 1 };
`;

beforeAll(async () => {
  fs.writeFileSync(esm, ESM_JOBS);
  fs.writeFileSync(cjs, `module.exports = { CjsJob: { runJob: () => 'from cjs' } };\n`);
  await buildExecutorThread(threadFile);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const jobId = () => `job-${(seq += 1)}`;

async function withExecutor(
  test: (executor: Executor) => Promise<void>,
  options: Partial<ExecutorOptions> = {},
): Promise<void> {
  const executor = new Executor({ contextName: 'ctx1', settings: {}, maxResultSize: 1000, threadFile, ...options });
  await executor.start();
  try {
    await test(executor);
  } finally {
    await executor.stop();
  }
}

const run = (executor: Executor, classPath: string) => ({
  outcome: executor.run({ jobId: jobId(), entryPath: esm, classPath, config: {} }),
});

const result = (outcome: JobOutcome): unknown =>
  outcome.kind === 'finished' && outcome.result !== undefined ? JSON.parse(outcome.result) : outcome;

describe('Executor limits', () => {
  it('verifies a bundle before the first job of it in a thread, not in a warm thread, again after a restart', () =>
    withExecutor(async (executor) => {
      const verified: string[] = [];
      const verifyBundle = (entryPath: string) => async () => void verified.push(entryPath);
      const runVerified = (classPath: string, entryPath = esm) =>
        executor.run({ jobId: jobId(), entryPath, classPath, config: {} }, undefined, { verifyBundle: verifyBundle(entryPath) });
      await runVerified('Echo');
      await runVerified('Echo');
      await runVerified('CjsJob', cjs);
      expect(verified).toEqual([esm, cjs]);
      await executor.restart('fresh thread');
      await runVerified('Echo');
      expect(verified).toEqual([esm, cjs, esm]);
    }));

  it('ends a job load-failed, without running it, when the bundle verification throws', () =>
    withExecutor(async (executor) => {
      const outcome = await executor.run({ jobId: jobId(), entryPath: esm, classPath: 'Counter', config: {} }, undefined, {
        verifyBundle: async () => {
          throw new Error('bundle cache cannot be repaired');
        },
      });
      expect(outcome).toMatchObject({ kind: 'load-failed', error: { message: 'bundle cache cannot be repaired' } });
      // The failed verification did not count as a load: the next job verifies again.
      let again = 0;
      const next = await executor.run({ jobId: jobId(), entryPath: esm, classPath: 'Counter', config: {} }, undefined, {
        verifyBundle: async () => void (again += 1),
      });
      expect(result(next)).toBe(1);
      expect(again).toBe(1);
    }));

  it('ends a validate that never settles invalid after validate-timeout, reporting validating first', () =>
    withExecutor(
      async (executor) => {
        const id = jobId();
        let validating = false;
        const outcome = executor.run({ jobId: id, entryPath: esm, classPath: 'HangValidate', config: {} }, undefined, {
          onValidating: () => (validating = executor.isValidating(id)),
        });
        expect(await outcome).toEqual({ kind: 'invalid', reason: 'validate did not return within validate-timeout (0.2s)' });
        expect(validating).toBe(true);
        expect(executor.isValidating(id)).toBe(false);
        expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
      },
      { validateTimeoutMs: 200 },
    ));

  it('keeps a spinning validate validating (its thread cannot time it out) until the executor is replaced', () =>
    withExecutor(
      async (executor) => {
        const id = jobId();
        let onValidating!: () => void;
        const validating = new Promise<void>((resolve) => (onValidating = resolve));
        const outcome = executor.run({ jobId: id, entryPath: esm, classPath: 'SpinValidate', config: {} }, undefined, { onValidating });
        await validating;
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(executor.isValidating(id)).toBe(true);
        await executor.restart('validate spun');
        expect(await outcome).toMatchObject({ kind: 'failed', error: { errorClass: 'ExecutorRestarted' } });
        expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
      },
      { validateTimeoutMs: 200 },
    ));

  it('caps a huge error and a huge validation reason at max-error-size inside the thread', () =>
    withExecutor(
      async (executor) => {
        const failed = await run(executor, 'HugeError').outcome;
        expect(failed).toMatchObject({ kind: 'failed', error: { errorClass: 'TypeError' } });
        const error = (failed as { error: { message: string } }).error;
        expect(JSON.stringify(error).length).toBeLessThanOrEqual(4096);
        expect(error.message).toMatch(/… \(truncated: 1\.0 MB message\)$/);
        const invalid = (await run(executor, 'HugeReason').outcome) as { kind: string; reason: string };
        expect(invalid.kind).toBe('invalid');
        expect(invalid.reason.length).toBeLessThan(4096);
        expect(invalid.reason).toMatch(/truncated: 1\.0 MB message/);
      },
      { maxErrorSize: 4096 },
    ));
});
