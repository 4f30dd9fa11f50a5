import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor } from './executor';
import { buildExecutorThread } from './executor-thread.testing';

/** Snapshots taken from and restored into real executor threads (two, as two contexts would). */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-snapshot-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const jobs = path.join(tmp, 'jobs.mjs');

const JOBS = `
class Counter { #n = 0; next() { return ++this.#n; } }
export const Fill = { async runJob(ctx) {
  await ctx.namedObjects.update('lookup', new Map([['a', [1, 2]], ['b', [3]]]));
  await ctx.namedObjects.update('when', new Date(1000));
  await ctx.namedObjects.update('bytes', Buffer.from('abc'));
  await ctx.namedObjects.update('counter', new Counter());
  await ctx.namedObjects.getOrElseCreate('handler', () => ({ onDone() {} }));
} };
export const Read = { async runJob(ctx) {
  const lookup = await ctx.namedObjects.get('lookup');
  const bytes = await ctx.namedObjects.get('bytes');
  const when = await ctx.namedObjects.get('when');
  return { names: await ctx.namedObjects.getNames(), lookup: [...lookup], bytes: bytes.toString(), isBuffer: Buffer.isBuffer(bytes), when: when.getTime() };
} };
export const Busy = { runJob(ctx, config) { const end = Date.now() + config.ms; while (Date.now() < end); return 'done'; } };
`;

beforeAll(async () => {
  fs.writeFileSync(jobs, JOBS);
  await buildExecutorThread(threadFile);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function withExecutor(test: (executor: Executor) => Promise<void>): Promise<void> {
  const executor = new Executor({ contextName: 'c', settings: {}, maxResultSize: 100_000, threadFile });
  await executor.start();
  try {
    await test(executor);
  } finally {
    await executor.stop();
  }
}

const run = (executor: Executor, classPath: string, config: Record<string, unknown> = {}) =>
  executor.run({ jobId: `${classPath}-${Math.random()}`, entryPath: jobs, classPath, config });

describe('Executor snapshots', () => {
  it('serializes the cloneable named objects and restores them into another thread before any job reads them', async () => {
    let taken: Awaited<ReturnType<Executor['snapshot']>> = null;
    await withExecutor(async (executor) => {
      expect((await run(executor, 'Fill')).kind).toBe('finished');
      taken = await executor.snapshot(1024 * 1024, 5000);
    });
    expect(taken).toMatchObject({ overCap: false });
    expect(taken!.objects.map((o) => o.name)).toEqual(['bytes', 'lookup', 'when']);
    expect(taken!.skipped.map((s) => `${s.name}: ${s.reason}`)).toEqual([
      'counter: a Counter instance at value: class instances are not cloned (they would lose their class, methods and private fields)',
      'handler: a function at value.onDone: functions cannot be cloned',
    ]);
    await withExecutor(async (executor) => {
      expect(await executor.restore(taken!.objects, 5000)).toEqual({ restored: ['bytes', 'lookup', 'when'], failed: [] });
      const outcome = await run(executor, 'Read');
      expect(outcome.kind).toBe('finished');
      expect(JSON.parse((outcome as { result: string }).result)).toEqual({
        names: ['bytes', 'lookup', 'when'],
        lookup: [['a', [1, 2]], ['b', [3]]],
        bytes: 'abc',
        isBuffer: true,
        when: 1000,
      });
    });
  });

  it('says the snapshot is over the cap without objects when the cloneable ones do not fit together', () =>
    withExecutor(async (executor) => {
      await run(executor, 'Fill');
      const taken = await executor.snapshot(40, 5000);
      expect(taken).toMatchObject({ overCap: true, objects: [] });
      expect(taken!.bytes).toBeGreaterThan(40);
    }));

  it('answers null when a job holds the thread past the wait', () =>
    withExecutor(async (executor) => {
      const busy = run(executor, 'Busy', { ms: 1500 });
      await new Promise((r) => setTimeout(r, 200));
      expect(await executor.snapshot(1024, 300)).toBeNull();
      expect((await busy).kind).toBe('finished');
    }));
});
