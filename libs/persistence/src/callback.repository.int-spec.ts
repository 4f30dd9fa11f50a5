import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { BundleRepository } from './repositories/bundle.repository';
import { CallbackRepository } from './repositories/callback.repository';
import { JobRepository } from './repositories/job.repository';

describe('completion callbacks on job rows', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let jobs: JobRepository;
  let callbacks: CallbackRepository;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    jobs = new JobRepository(ds);
    callbacks = new CallbackRepository(ds);
    await new BundleRepository(ds).save({
      appName: 'app',
      binaryType: 'js',
      sha256: 'a'.repeat(64),
      size: 1,
      entry: 'bundle.mjs',
      bytes: Buffer.from('1'),
      owner: null,
    });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Records an ad-hoc job through the submit INSERT, with or without a callback. */
  const submitted = async (callbackUrl: string | null) => {
    const id = randomUUID();
    const job = {
      id,
      appName: 'app',
      classPath: 'x.Y',
      contextName: `c-${id}`,
      adHoc: true,
      config: '{}',
      callbackUrl,
    };
    expect((await jobs.insertSubmitted(job))?.bundleSha).toBe('a'.repeat(64));
    return id;
  };
  const row = async (id: string) =>
    (
      (await ds.query(
        `SELECT callback_url AS url, callback_state AS state, callback_attempts AS attempts, callback_last_status AS "lastStatus"
       FROM jobs WHERE id = $1`,
        [id],
      )) as Array<Record<string, unknown>>
    )[0];

  it('records the URL PENDING in the submit INSERT, and nothing for a job without one', async () => {
    const withCallback = await submitted('http://127.0.0.1:1/cb');
    const without = await submitted(null);
    expect(await row(withCallback)).toEqual({
      url: 'http://127.0.0.1:1/cb',
      state: 'PENDING',
      attempts: 0,
      lastStatus: null,
    });
    expect(await row(without)).toEqual({ url: null, state: null, attempts: 0, lastStatus: null });
    expect(await callbacks.forDelivery(without)).toBeNull();
  });

  it('tells from the end statements whether the ended job has a callback', async () => {
    const [a, b] = [await submitted('http://127.0.0.1:1/a'), await submitted(null)];
    expect(await jobs.end(a, { status: 'FINISHED', result: '1' })).toMatchObject({ callback: true });
    expect(await jobs.end(b, { status: 'FINISHED', result: '1' })).toMatchObject({ callback: false });
    const c = await submitted('http://127.0.0.1:1/c');
    const [{ context_name: context }] = await ds.query(
      `SELECT context_name FROM jobs WHERE id = $1`,
      [c],
    );
    expect(await jobs.endActiveOfContext(context, { status: 'KILLED' })).toMatchObject([{ id: c, callback: true }]);
  });

  it('counts attempts until DELIVERED on a 2xx, and ignores attempts recorded after that', async () => {
    const id = await submitted('http://127.0.0.1:1/x');
    await jobs.end(id, { status: 'ERROR', error: { message: 'm', errorClass: 'E', stack: [] } });
    expect(await callbacks.recordAttempt(id, null, 5)).toEqual({ state: 'PENDING', attempts: 1 });
    expect(await callbacks.recordAttempt(id, 503, 5)).toEqual({ state: 'PENDING', attempts: 2 });
    expect(await callbacks.recordAttempt(id, 204, 5)).toEqual({ state: 'DELIVERED', attempts: 3 });
    expect(await callbacks.recordAttempt(id, 204, 5)).toBeNull();
    expect(await row(id)).toMatchObject({ state: 'DELIVERED', attempts: 3, lastStatus: 204 });
    expect(await callbacks.forDelivery(id)).toMatchObject({
      id,
      status: 'ERROR',
      error: { message: 'm' },
      state: 'DELIVERED',
    });
  });

  it('ends FAILED once the attempts are spent', async () => {
    const id = await submitted('http://127.0.0.1:1/y');
    await jobs.end(id, { status: 'KILLED' });
    expect(await callbacks.recordAttempt(id, 500, 2)).toEqual({ state: 'PENDING', attempts: 1 });
    expect(await callbacks.recordAttempt(id, 302, 2)).toEqual({ state: 'FAILED', attempts: 2 });
    expect(await row(id)).toMatchObject({ state: 'FAILED', lastStatus: 302 });
  });

  it('lists as due the ended pending callbacks never queued, or queued too long ago', async () => {
    const running = await submitted('http://127.0.0.1:1/r');
    const ended = await submitted('http://127.0.0.1:1/e');
    await jobs.end(ended, { status: 'FINISHED', result: '1' });
    const due = (unqueuedAfterMs: number, requeueAfterMs: number) =>
      callbacks.due({ unqueuedAfterMs, requeueAfterMs, limit: 1000 });
    expect(await due(0, 60_000)).toContain(ended);
    expect(await due(0, 60_000)).not.toContain(running);
    expect(await due(60_000, 60_000)).not.toContain(ended);
    await callbacks.markQueued([ended]);
    expect(await due(0, 60_000)).not.toContain(ended);
    await new Promise((r) => setTimeout(r, 20));
    expect(await due(0, 10)).toContain(ended);
  });
});
