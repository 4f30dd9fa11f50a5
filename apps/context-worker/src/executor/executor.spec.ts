import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor, type ExecutorOptions } from './executor';
import { buildExecutorThread } from './executor-thread.testing';
import type { JobOutcome } from './executor.messages';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const esm = path.join(tmp, 'jobs.mjs');
const cjs = path.join(tmp, 'jobs.cjs');
const broken = path.join(tmp, 'broken.mjs');
const warmUpJob = path.join(tmp, 'warm-up.job.js');

const ESM_JOBS = `
import { MessagePort, parentPort } from 'node:worker_threads';
export const Echo = {
  runJob: (ctx, config) => ({ config, jobId: ctx.jobId, context: ctx.contextName, settings: ctx.settings }),
};
export const Invalid = { validate: () => ({ valid: false, reason: 'no input.string' }), runJob: () => 1 };
export const ValidateThrows = { validate: () => { throw new Error('bad config'); }, runJob: () => 1 };
export const Failing = { runJob: () => { throw new RangeError('boom'); } };
export class Counter { n = 0; runJob() { this.n += 1; return this.n; } }
export const NotAJob = { run: () => 1 };
export const Large = { runJob: () => 'x'.repeat(2000) };
export const Env = { runJob: () => ({ ...process.env }) };
export const Logger = { runJob(ctx) { ctx.log.info('hello', { a: 1 }); ctx.log.warn('odd', { f: () => 1 }); } };
let factoryRuns = 0;
export const Shared = {
  async runJob(ctx) {
    const value = await ctx.namedObjects.getOrElseCreate('shared', async () => {
      factoryRuns += 1;
      await new Promise((r) => setTimeout(r, 50));
      return { made: factoryRuns };
    });
    return { value, factoryRuns, names: await ctx.namedRdds.getNames() };
  },
};
export const ReadShared = { runJob: (ctx) => ctx.namedObjects.get('shared') };
export const AwaitAbort = {
  runJob: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
};
export const PostsNull = { runJob() { parentPort.postMessage(null); parentPort.postMessage({ type: 'log' }); return 'after'; } };
export const ForgesDone = { runJob(ctx, config) { parentPort.postMessage({ type: 'done', jobId: config.victim }); return 'forged'; } };
export const Deafens = { runJob() { parentPort.removeAllListeners('message'); return 'deaf'; } };
export const Mutes = { runJob() { parentPort.postMessage = () => {}; MessagePort.prototype.postMessage = () => {}; return 'muted'; } };
export const ForgesValidDone = {
  runJob(ctx, config) {
    parentPort.postMessage({ type: 'done', jobId: config.victim, outcome: { kind: 'finished', result: '"forged"' } });
    return 'forged';
  },
};
export const Delay = { runJob: (ctx, config) => new Promise((r) => setTimeout(() => r('real'), config.ms)) };
export const Hang = { runJob: () => new Promise(() => {}) };
export const Busy = { runJob(ctx, config) { const end = Date.now() + config.ms; while (Date.now() < end); return 'done'; } };
export const Hog = { runJob() { const hoard = []; for (;;) hoard.push({ i: hoard.length, s: 'x'.repeat(32) + hoard.length }); } };
`;

const CJS_JOBS = `
function makeJobs() { return { CjsJob: { runJob: () => 'from cjs' } }; }
module.exports = makeJobs();
`;

beforeAll(async () => {
  fs.writeFileSync(esm, ESM_JOBS);
  fs.writeFileSync(cjs, CJS_JOBS);
  fs.writeFileSync(
    broken,
    `throw new Error('init failed');\nexport const Echo = { runJob: () => 1 };\n`,
  );
  await buildExecutorThread(threadFile);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const jobId = () => `job-${(seq += 1)}`;

async function withExecutor(
  test: (executor: Executor) => Promise<void>,
  options: Partial<ExecutorOptions> = {},
): Promise<void> {
  const executor = new Executor({
    contextName: 'ctx1',
    settings: { 'num-cpu-cores': 2 },
    maxResultSize: 1000,
    threadFile,
    ...options,
  });
  await executor.start();
  try {
    await test(executor);
  } finally {
    await executor.stop();
  }
}

function run(
  executor: Executor,
  classPath: string,
  config: Record<string, unknown> = {},
  entryPath = esm,
): { id: string; outcome: Promise<JobOutcome>; started: Promise<void> } {
  const id = jobId();
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const outcome = executor.run({ jobId: id, entryPath, classPath, config }, () => markStarted());
  return { id, outcome, started };
}

const result = (outcome: JobOutcome): unknown =>
  outcome.kind === 'finished' && outcome.result !== undefined
    ? JSON.parse(outcome.result)
    : outcome;

describe('Executor', () => {
  it('runs its own warm-up job in a fresh thread, leaving no named object, then runs jobs as before', () =>
    withExecutor(async (executor) => {
      const esbuild = (await import('esbuild')) as typeof import('esbuild');
      await esbuild.build({ entryPoints: [path.join(__dirname, 'warm-up.job.ts')], format: 'cjs', platform: 'node', outfile: warmUpJob, logLevel: 'silent' });
      expect(await executor.warmUp(warmUpJob)).toBe('finished');
      expect(executor.runningJobIds()).toEqual([]);
      expect((await executor.objects())?.objects).toEqual([]);
      expect(result(await run(executor, 'Counter').outcome)).toBe(1);
      expect(await executor.warmUp(path.join(tmp, 'missing.js'))).toBe('load-failed');
    }));

  it("gives jobs a process.env of exactly its env option, none of this process's", () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'Env').outcome)).toEqual({ ONLY_THIS: 'yes' });
    }, { env: { ONLY_THIS: 'yes' } }));

  it('runs a job and returns its serialized result, after calling onStarted', () =>
    withExecutor(async (executor) => {
      const job = run(executor, 'spark.jobserver.Echo', { input: { string: 'a b' } });
      await job.started;
      expect(result(await job.outcome)).toEqual({
        config: { input: { string: 'a b' } },
        jobId: job.id,
        context: 'ctx1',
        settings: { 'num-cpu-cores': 2 },
      });
      expect(executor.runningJobIds()).toEqual([]);
    }));

  it('reports invalid when validate says so or throws, without starting the job', () =>
    withExecutor(async (executor) => {
      let started = false;
      const outcome = await executor.run(
        { jobId: jobId(), entryPath: esm, classPath: 'Invalid', config: {} },
        () => (started = true),
      );
      expect(outcome).toEqual({ kind: 'invalid', reason: 'no input.string' });
      expect(await run(executor, 'ValidateThrows').outcome).toEqual({
        kind: 'invalid',
        reason: 'bad config',
      });
      expect(started).toBe(false);
    }));

  it('reports class-not-found for missing exports and exports without runJob', () =>
    withExecutor(async (executor) => {
      expect(await run(executor, 'Nope').outcome).toEqual({ kind: 'class-not-found' });
      expect(await run(executor, 'a.b.NotAJob').outcome).toEqual({ kind: 'class-not-found' });
    }));

  it('reports load-failed when importing the bundle throws', () =>
    withExecutor(async (executor) => {
      const outcome = await run(executor, 'Echo', {}, broken).outcome;
      expect(outcome).toMatchObject({ kind: 'load-failed', error: { message: 'init failed' } });
    }));

  it('reports a throwing job as failed with its error info', () =>
    withExecutor(async (executor) => {
      const outcome = await run(executor, 'Failing').outcome;
      expect(outcome).toMatchObject({
        kind: 'failed',
        error: { errorClass: 'RangeError', message: 'boom' },
      });
      expect((outcome as { error: { stack: string[] } }).error.stack.length).toBeGreaterThan(0);
      // It threw: the executor did not die under it (no retry without retryable: true).
      expect(outcome).not.toHaveProperty('executorDied');
    }));

  it('fails a job whose result is over maxResultSize', () =>
    withExecutor(async (executor) => {
      const outcome = await run(executor, 'Large').outcome;
      expect(outcome).toMatchObject({ kind: 'failed', error: { errorClass: 'ResultTooLarge' } });
    }));

  it('instantiates a class export afresh for every job', () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'Counter').outcome)).toBe(1);
      expect(result(await run(executor, 'Counter').outcome)).toBe(1);
    }));

  it('finds jobs in a CommonJS module.exports', () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'x.CjsJob', {}, cjs).outcome)).toBe('from cjs');
    }));

  it('forwards ctx.log lines, with uncloneable fields in JSON form, and no result for undefined', async () => {
    const lines: unknown[] = [];
    await withExecutor(
      async (executor) => {
        const job = run(executor, 'Logger');
        expect(await job.outcome).toEqual({ kind: 'finished' });
        expect(lines).toEqual([
          [job.id, 'INFO', 'hello', { a: 1 }],
          [job.id, 'WARN', 'odd', { f: expect.stringContaining('=>') }],
        ]);
      },
      {
        onReports: (id, events) => {
          for (const e of events) if (e.type === 'log') lines.push([id, e.level, e.message, e.fields]);
        },
      },
    );
  });

  it('shares named objects across jobs and creates them once under concurrency', () =>
    withExecutor(async (executor) => {
      const [a, b] = await Promise.all([
        run(executor, 'Shared').outcome,
        run(executor, 'Shared').outcome,
      ]);
      const expected = { value: { made: 1 }, factoryRuns: 1, names: ['shared'] };
      expect([result(a), result(b)]).toEqual([expected, expected]);
      expect(result(await run(executor, 'ReadShared').outcome)).toEqual({ made: 1 });
    }));

  it('aborts ctx.signal on cancel with an AbortError carrying the reason', () =>
    withExecutor(async (executor) => {
      const job = run(executor, 'AwaitAbort');
      await job.started;
      expect(executor.runningJobIds()).toEqual([job.id]);
      executor.cancel(job.id, 'Job killed by user');
      expect(await job.outcome).toMatchObject({
        kind: 'failed',
        error: { errorClass: 'AbortError', message: 'Job killed by user' },
      });
    }));

  it('restart() fails running jobs with ExecutorRestarted (the executor died under them), drops named objects, and runs new jobs', () =>
    withExecutor(async (executor) => {
      await run(executor, 'Shared').outcome;
      const hung = run(executor, 'Hang');
      await hung.started;
      await executor.restart('kill-grace passed');
      expect(await hung.outcome).toEqual({
        kind: 'failed',
        error: { errorClass: 'ExecutorRestarted', message: 'kill-grace passed', stack: [] },
        executorDied: true,
      });
      expect(await run(executor, 'ReadShared').outcome).toEqual({ kind: 'finished' });
      expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
    }));

  it('fails running jobs with OutOfMemory when the heap cap is hit, and replaces the thread', async () => {
    const exits: unknown[] = [];
    await withExecutor(
      async (executor) => {
        executor.onUnexpectedExit = (error) => void exits.push(error);
        const hang = run(executor, 'Hang');
        await hang.started;
        const outcome = await run(executor, 'Hog').outcome;
        const error = { errorClass: 'OutOfMemory', message: 'out of memory (mem-per-node=32m)' };
        expect(outcome).toMatchObject({ kind: 'failed', error, executorDied: true });
        expect(await hang.outcome).toMatchObject({ kind: 'failed', error, executorDied: true });
        expect(exits).toMatchObject([error]);
        expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
      },
      { memoryLimitMb: 32 },
    );
  });

  it('runs a CPU-bound job without blocking the main thread', () =>
    withExecutor(async (executor) => {
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 20);
      try {
        const job = run(executor, 'Busy', { ms: 500 });
        await job.started;
        const ticksAtStart = ticks;
        expect(result(await job.outcome)).toBe('done');
        expect(ticks - ticksAtStart).toBeGreaterThan(5);
      } finally {
        clearInterval(timer);
      }
    }));

  it('resolves running jobs with ContextStopped on stop() and refuses new ones', async () => {
    const executor = new Executor({
      contextName: 'c',
      settings: {},
      maxResultSize: 100,
      threadFile,
    });
    await executor.start();
    const hung = run(executor, 'Hang');
    await hung.started;
    await executor.stop();
    const stopped = { kind: 'failed', error: { errorClass: 'ContextStopped' } };
    expect(await hung.outcome).toMatchObject(stopped);
    expect(await run(executor, 'Echo').outcome).toMatchObject(stopped);
  });

  it('ignores malformed messages a job posts on parentPort: the process and the executor survive', () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'PostsNull').outcome)).toBe('after');
      expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
    }));

  it("does not let a 'done' forged on parentPort end another job: the victim's real outcome wins", () =>
    withExecutor(async (executor) => {
      const victim = run(executor, 'Delay', { ms: 300 });
      await victim.started;
      expect(result(await run(executor, 'ForgesDone', { victim: victim.id }).outcome)).toBe('forged');
      expect(result(await run(executor, 'ForgesValidDone', { victim: victim.id }).outcome)).toBe('forged');
      expect(result(await victim.outcome)).toBe('real');
    }));

  it("keeps talking to the thread after a job removed parentPort's listeners", () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'Deafens').outcome)).toBe('deaf');
      expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
    }));

  it('hears the outcome of a job that overwrote postMessage, and of the jobs after it', () =>
    withExecutor(async (executor) => {
      expect(result(await run(executor, 'Mutes').outcome)).toBe('muted');
      expect(result(await run(executor, 'Echo').outcome)).toMatchObject({ context: 'ctx1' });
    }));
});
