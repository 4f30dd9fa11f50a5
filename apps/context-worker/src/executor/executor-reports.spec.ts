import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor, type ExecutorOptions } from './executor';
import { buildExecutorThread } from './executor-thread.testing';
import type { JobOutcome, ReportedEvent } from './executor.messages';

/** ctx.progress, ctx.stage and ctx.log on a real executor thread: coalesced, bounded, posted before the end. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-reports-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const esm = path.join(tmp, 'jobs.mjs');

const ESM_JOBS = `
export const Quiet = { runJob: () => 'quiet' };
export const Flood = {
  runJob(ctx) {
    ctx.stage('count');
    for (let i = 1; i <= 100000; i++) ctx.progress({ done: i, total: 100000 });
    ctx.stage('log');
    for (let i = 0; i < 100000; i++) ctx.log.info('line ' + i + ' ' + 'x'.repeat(2000));
    return 'flooded';
  },
};
export const BadInput = {
  runJob(ctx) {
    for (const v of [NaN, -1, 2, '0.5', { done: 'a', total: 2 }, null, [1], { fraction: 0.3 }]) ctx.progress(v);
    ctx.stage(42);
    ctx.stage('s'.repeat(10000));
    ctx.log.warn({ toString() { throw new Error('no'); } });
    ctx.log.error('fine');
    return 'ok';
  },
};
export const Paced = {
  async runJob(ctx) {
    for (let i = 1; i <= 20; i++) {
      ctx.progress(i / 20);
      await new Promise((r) => setTimeout(r, 10));
    }
    return 'paced';
  },
};
export const Hijacks = {
  runJob(ctx) {
    globalThis.setTimeout = globalThis.setImmediate = () => { throw new Error('hijacked'); };
    Date.now = () => 0;
    ctx.progress(0.5);
    ctx.log.info('still here');
    return 'hijacked';
  },
};
`;

beforeAll(async () => {
  fs.writeFileSync(esm, ESM_JOBS);
  await buildExecutorThread(threadFile);
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let seq = 0;

/** Runs one job on a fresh executor; returns its outcome and every reports message, in order. */
async function runJob(classPath: string, options: Partial<ExecutorOptions> = {}) {
  const posts: Array<{ events: ReportedEvent[]; dropped: number; done: boolean }> = [];
  let done = false;
  const executor = new Executor({
    contextName: 'ctx1',
    settings: {},
    maxResultSize: 1000,
    threadFile,
    reportLimits: { progressRate: 10, logLineLimit: 1024, logLinesRetained: 500 },
    onReports: (_jobId, events, dropped) => void posts.push({ events, dropped, done }),
    ...options,
  });
  await executor.start();
  try {
    const outcome: JobOutcome = await executor.run({ jobId: `job-${(seq += 1)}`, entryPath: esm, classPath, config: {} });
    done = true;
    return { outcome, posts, events: posts.flatMap((p) => p.events) };
  } finally {
    await executor.stop();
  }
}

const strip = (events: ReportedEvent[]) => events.map(({ time: _time, ...event }) => event);

describe('Executor reports', () => {
  it('posts nothing for a job that reports nothing', async () => {
    const { outcome, posts } = await runJob('Quiet');
    expect(outcome).toEqual({ kind: 'finished', result: '"quiet"' });
    expect(posts).toEqual([]);
  });

  it('coalesces 100 000 progress calls and bounds 100 000 long lines in one message, posted before the end', async () => {
    const { outcome, posts, events } = await runJob('Flood');
    expect(outcome).toEqual({ kind: 'finished', result: '"flooded"' });
    // The loop never yields: everything goes in the one message the end flushes.
    expect(posts).toHaveLength(1);
    expect(posts[0]!.done).toBe(false);
    expect(posts[0]!.dropped).toBe(100_000 - 500);
    const logs = events.filter((e) => e.type === 'log');
    expect(logs).toHaveLength(500);
    expect(logs[0]).toMatchObject({ line: 99_500, level: 'INFO' });
    for (const line of logs) expect(Buffer.byteLength((line as { message: string }).message)).toBeLessThanOrEqual(1024);
    expect(strip(events.filter((e) => e.type !== 'log'))).toEqual([
      { type: 'stage', name: 'count' },
      { type: 'progress', fraction: 1, done: 100_000, total: 100_000 },
      { type: 'stage', name: 'log' },
    ]);
  });

  it('ignores bad progress and stage values, cuts long names, and drops an unprintable line', async () => {
    const { outcome, events } = await runJob('BadInput');
    expect(outcome).toEqual({ kind: 'finished', result: '"ok"' });
    expect(strip(events)).toEqual([
      { type: 'progress', fraction: 1 },
      { type: 'stage', name: 's'.repeat(200) },
      { type: 'log', line: 1, level: 'ERROR', message: 'fine' },
    ]);
  });

  it('posts a job that yields at most progress-rate times a second, the latest progress last', async () => {
    const { posts, events } = await runJob('Paced', { reportLimits: { progressRate: 20, logLineLimit: 1024, logLinesRetained: 10 } });
    // 20 steps of ≥ 10 ms take ≥ 200 ms: at 20 posts a second, at most ~5 posts plus the first and the end's.
    expect(posts.length).toBeGreaterThanOrEqual(2);
    const times = posts.map((p) => p.events[0]!.time);
    for (let i = 2; i < times.length - 1; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(40);
    expect(strip(events).at(-1)).toEqual({ type: 'progress', fraction: 1 });
    for (const post of posts) expect(post.events.filter((e) => e.type === 'progress')).toHaveLength(1);
  });

  it('keeps reporting when job code replaces setTimeout, setImmediate and Date.now', async () => {
    const { outcome, events } = await runJob('Hijacks');
    expect(outcome).toEqual({ kind: 'finished', result: '"hijacked"' });
    expect(strip(events)).toEqual([
      { type: 'progress', fraction: 0.5 },
      { type: 'log', line: 0, level: 'INFO', message: 'still here' },
    ]);
    expect(events[0]!.time).toBeGreaterThan(0);
  });
});
