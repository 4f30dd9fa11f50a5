import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorInfo, RedisNames, type JobDetailMessage } from '@jobserver/protocol';
import { connectRedis, JobClaims, openEventBus, type EventBus } from '@jobserver/protocol/redis';
import { deleteKeys } from '../../../test/support/processes';
import { testDatabase, testRedis } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { isRetryable, JobLifecycle } from './lifecycle/job.lifecycle';
import { JobEventRepository } from './repositories/job-event.repository';
import { JobRepository } from './repositories/job.repository';

describe('job retries in JobLifecycle (Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let bus: EventBus;
  let lifecycle: JobLifecycle;
  let names: RedisNames;
  let redisUrl: string;
  const details: JobDetailMessage[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const { url, prefix } = await testRedis();
    redisUrl = url;
    redis = connectRedis(url, 'retry-test');
    names = new RedisNames(prefix);
    bus = await openEventBus(redis, names, 'retry-test', { events: true, details: true }, () => undefined);
    bus.onDetail((message) => details.push(message));
    lifecycle = new JobLifecycle(new JobRepository(ds), bus);
  });
  afterAll(async () => {
    await bus?.close();
    if (names) await deleteKeys(redisUrl, names.prefix);
    redis?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  /** Records a job straight in SQL with `retries`, RUNNING (or `status`) in `context`. */
  const job = async (retries: number, options: { status?: string; context?: string; adHoc?: boolean } = {}) => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config, retries, start_time, event_seq, priority)
       VALUES ($1, 'app', $2, 'x.Y', $3, $4, $5, '{"n":1}', $6, now(), 2, 70)`,
      [id, 'a'.repeat(64), options.context ?? 'c1', options.adHoc ?? false, options.status ?? 'RUNNING', retries],
    );
    return id;
  };
  const row = async (id: string) =>
    ((await ds.query(`SELECT status, attempt, retries, event_seq AS "eventSeq" FROM jobs WHERE id = $1`, [id])) as Array<Record<string, unknown>>)[0]!;
  const died = errorInfo('ExecutorExited', 'executor exited with code 1');

  it('decides: a death is retryable, a throw only with retryable: true', () => {
    expect(isRetryable({ cause: 'executor-died', error: died })).toBe(true);
    expect(isRetryable({ cause: 'worker-died', error: died })).toBe(true);
    expect(isRetryable({ cause: 'threw', error: errorInfo('Error', 'boom') })).toBe(false);
    expect(isRetryable({ cause: 'threw', error: { ...errorInfo('Error', 'flaky'), retryable: true } })).toBe(true);
  });

  it('begins attempts while retries are left, each with a retry event, then says no', async () => {
    const id = await job(2);
    const ref = { jobId: id, context: 'c1' };
    expect(await lifecycle.retry(ref, { cause: 'executor-died', error: died })).toBe(2);
    expect(await lifecycle.retry(ref, { cause: 'threw', error: { ...errorInfo('Error', 'flaky'), retryable: true } })).toBe(3);
    expect(await lifecycle.retry(ref, { cause: 'executor-died', error: died })).toBeNull();
    expect(await row(id)).toEqual({ status: 'RUNNING', attempt: 3, retries: 2, eventSeq: 4 });
    const events = await new JobEventRepository(ds).after(id, 0);
    expect(events.map((e) => [e.seq, e.type, e.payload.attempt, (e.payload.error as { errorClass: string }).errorClass])).toEqual([
      [3, 'retry', 2, 'ExecutorExited'],
      [4, 'retry', 3, 'Error'],
    ]);
    await expect.poll(() => details.filter((m) => m.jobId === id).map((m) => m.events[0]!.seq)).toEqual([3, 4]);
  });

  it('never retries a plain throw, a job without retries, or a job that ended', async () => {
    const plain = await job(3);
    expect(await lifecycle.retry({ jobId: plain, context: 'c1' }, { cause: 'threw', error: errorInfo('Error', 'boom') })).toBeNull();
    expect(await row(plain)).toMatchObject({ attempt: 1, eventSeq: 2 });
    const none = await job(0);
    expect(await lifecycle.retry({ jobId: none, context: 'c1' }, { cause: 'executor-died', error: died })).toBeNull();
    const ended = await job(3, { status: 'KILLED' });
    expect(await lifecycle.retry({ jobId: ended, context: 'c1' }, { cause: 'executor-died', error: died })).toBeNull();
    expect(await row(ended)).toMatchObject({ status: 'KILLED', attempt: 1 });
  });

  it('puts the jobs of a dead ad-hoc context with attempts left back to QUEUED and releases their claims', async () => {
    const context = { name: `adhoc-${randomUUID().slice(0, 8)}`, id: randomUUID() };
    const retried = await job(1, { context: context.name, adHoc: true });
    const spent = await job(0, { context: context.name, adHoc: true });
    const claims = new JobClaims(redis, names);
    expect(await claims.take(retried, JobClaims.worker(context.name))).toBe(true);
    const jobs = await lifecycle.retryActiveOfAdHoc(context, died);
    expect(jobs).toEqual([
      expect.objectContaining({ id: retried, attempt: 2, appName: 'app', classPath: 'x.Y', config: '{"n":1}', priority: 70, bundleSha: 'a'.repeat(64) }),
    ]);
    expect(await row(retried)).toMatchObject({ status: 'QUEUED', attempt: 2 });
    expect(await row(spent)).toMatchObject({ status: 'RUNNING', attempt: 1 });
    // The context's other jobs end; the retried one is left to run again.
    const ended = await lifecycle.endActiveOfContext({ name: context.name, adHoc: true }, 'ERROR', died, context.id, jobs.map((j) => j.id));
    expect(ended).toEqual([spent]);
    expect(await row(retried)).toMatchObject({ status: 'QUEUED' });
    // The next worker's claim succeeds: the dead one's is gone.
    expect(await claims.take(retried, JobClaims.worker(context.name))).toBe(true);
  });

  it('does not take a job retried back to QUEUED for stranded until its retry is as old as the limit', async () => {
    const context = { name: `adhoc-${randomUUID().slice(0, 8)}`, id: randomUUID() };
    const id = await job(1, { context: context.name, adHoc: true });
    await ds.query(`UPDATE jobs SET created_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    const stranded = async (ageMs: number) => (await new JobRepository(ds).queuedBefore(ageMs, 10_000)).some((j) => j.id === id);
    await lifecycle.retryActiveOfAdHoc(context, died);
    expect(await stranded(30_000)).toBe(false);
    await ds.query(`UPDATE job_events SET time = time - interval '1 minute' WHERE job_id = $1`, [id]);
    expect(await stranded(30_000)).toBe(true);
  });
});
