import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisNames, type JobEvent } from '@jobserver/protocol';
import { connectRedis, openEventBus, type EventBus } from '@jobserver/protocol/redis';
import { deleteKeys } from '../../../test/support/processes';
import { testDatabase, testRedis } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { JobLifecycle } from './lifecycle/job.lifecycle';
import { JobRepository } from './repositories/job.repository';

describe('JobLifecycle on Postgres and Redis', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let bus: EventBus;
  let lifecycle: JobLifecycle;
  let names: RedisNames;
  let redisUrl: string;
  /** Each event heard, with the job's status in Postgres at the moment it arrived. */
  let heard: Array<{ event: JobEvent; rowStatus: Promise<string | undefined> }>;
  /** Every row read started for a heard event. */
  const reads: Array<Promise<unknown>> = [];

  const rowStatus = async (id: string) =>
    ((await ds.query(`SELECT status FROM jobs WHERE id = $1`, [id])) as Array<{ status: string }>)[0]?.status;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const { url, prefix } = await testRedis();
    redisUrl = url;
    redis = connectRedis(url, 'lifecycle-test');
    names = new RedisNames(prefix);
    bus = await openEventBus(redis, names, 'lifecycle-test', { events: true, details: true }, () => undefined);
    await bus.hearQueued(true); // QUEUED events (the markers too) ride a channel of their own
    bus.onEvent((event) => {
      if (event.kind !== 'job') return;
      const status = rowStatus(event.jobId);
      // Read even for events no test awaits (one heard as the last test ends): afterAll waits for
      // them before it closes the database, else their 'Connection terminated' goes unhandled.
      reads.push(status.catch(() => undefined));
      heard.push({ event, rowStatus: status });
    });
    lifecycle = new JobLifecycle(new JobRepository(ds), bus);
  });
  beforeEach(() => {
    heard = [];
  });
  afterAll(async () => {
    await bus?.close();
    await Promise.all(reads);
    if (names) await deleteKeys(redisUrl, names.prefix);
    redis?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  /** Records a QUEUED job of `context` straight in SQL (the gateway's INSERT is not the lifecycle's). */
  const queued = async (context = 'c1') => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       VALUES ($1, 'app', $2, 'x.Y', $3, false, 'QUEUED', '{}')`,
      [id, 'a'.repeat(64), context],
    );
    return id;
  };
  /** Waits until `n` events were heard (a marker event published last proves none is still coming). */
  const settle = async () => {
    const marker = randomUUID();
    await bus.publish({ kind: 'job', jobId: marker, context: 'marker', status: 'QUEUED' });
    await expect.poll(() => heard.some((h) => h.event.jobId === marker)).toBe(true);
    heard = heard.filter((h) => h.event.jobId !== marker);
  };

  /** What an end event says besides the ending: its seq (2 for a job that never ran), time, app and classPath. */
  const ends = (seq: number) => ({ seq, time: expect.stringMatching(/^\d{4}-.*Z$/), appName: 'app', classPath: 'x.Y' });

  it('publishes an end only after the row changed, with the ending as its payload', async () => {
    const jobId = await queued();
    const ended = await lifecycle.end({ jobId, context: 'c1', adHoc: true }, { status: 'FINISHED', result: '42' });
    expect(ended).toBe(true);
    await settle();
    expect(heard.map((h) => h.event)).toEqual([{ kind: 'job', jobId, context: 'c1', adHoc: true, status: 'FINISHED', result: '42', ...ends(2) }]);
    expect(await heard[0]!.rowStatus).toBe('FINISHED');
  });

  it('publishes nothing for a job that already ended', async () => {
    const jobId = await queued();
    await lifecycle.end({ jobId, context: 'c1' }, { status: 'ERROR', error: { message: 'x', errorClass: 'E', stack: [] } });
    await settle();
    heard = [];
    expect(await lifecycle.end({ jobId, context: 'c1' }, { status: 'FINISHED', result: '1' })).toBe(false);
    await settle();
    expect(heard).toEqual([]);
    expect(await rowStatus(jobId)).toBe('ERROR');
  });

  it('publishes nothing with publish none, and a rejection with the event', async () => {
    const silent = await queued();
    expect(await lifecycle.end({ jobId: silent, context: 'c1' }, { status: 'ERROR' }, { publish: 'none' })).toBe(true);
    const rejected = await queued();
    const error = { message: 'no', errorClass: 'ValidationFailed', stack: [] };
    await lifecycle.end({ jobId: rejected, context: 'c1' }, { status: 'ERROR', error }, { rejection: 'VALIDATION' });
    await settle();
    expect(heard.map((h) => h.event)).toEqual([{ kind: 'job', jobId: rejected, context: 'c1', status: 'ERROR', error, rejection: 'VALIDATION', ...ends(2) }]);
  });

  it("ends every active job of a context once, each killed job with its own 'Job <id> killed' error", async () => {
    const [a, b] = [await queued('c2'), await queued('c2')];
    const other = await queued('c3');
    expect(await lifecycle.running(b, new Date())).toBe(true);
    const ended = await lifecycle.endActiveOfContext({ name: 'c2', adHoc: false }, 'KILLED');
    expect(new Set(ended)).toEqual(new Set([a, b]));
    expect(await lifecycle.endActiveOfContext({ name: 'c2' }, 'KILLED')).toEqual([]);
    await settle();
    const killed = (id: string) => ({ message: `Job ${id} killed`, errorClass: 'JobKilled', stack: [] });
    expect(heard.map((h) => h.event).sort((x, y) => x.jobId.localeCompare(y.jobId))).toEqual(
      [a, b].sort().map((jobId) => ({
        kind: 'job',
        jobId,
        context: 'c2',
        adHoc: false,
        status: 'KILLED',
        error: killed(jobId),
        // b ran: queued 1, running 2, killed 3; a never ran: no running event, killed 2.
        ...ends(jobId === b ? 3 : 2),
      })),
    );
    for (const h of heard) expect(await h.rowStatus).toBe('KILLED');
    const rows = (await ds.query(`SELECT id, error FROM jobs WHERE id = ANY($1)`, [[a, b]])) as Array<{ id: string; error: unknown }>;
    for (const row of rows) expect(row.error).toEqual(killed(row.id));
    expect(await rowStatus(other)).toBe('QUEUED');
  });

  it('ends the jobs of a context with the given error instead', async () => {
    const jobId = await queued('c4');
    const error = { message: 'context died', errorClass: 'ContextLost', stack: [] };
    expect(await lifecycle.endActiveOfContext({ name: 'c4' }, 'ERROR', error)).toEqual([jobId]);
    await settle();
    expect(heard.map((h) => h.event)).toEqual([{ kind: 'job', jobId, context: 'c4', status: 'ERROR', error, ...ends(2) }]);
  });

  it('ends a queued job its worker had claimed (and may have announced RUNNING) as one that ran', async () => {
    const [claimed, waiting] = [await queued('c6'), await queued('c6')];
    const asked: string[][] = [];
    const ended = await lifecycle.endActiveOfContext({ name: 'c6' }, 'ERROR', undefined, undefined, [], async (ids) => {
      asked.push([...ids]);
      return new Set([claimed]);
    });
    expect(new Set(ended)).toEqual(new Set([claimed, waiting]));
    expect(new Set(asked[0])).toEqual(new Set([claimed, waiting]));
    await settle();
    const seqs = Object.fromEntries(heard.map((h) => [h.event.jobId, 'seq' in h.event && h.event.seq]));
    // The claimed one: queued 1, running 2, its end 3; the other never ran: its end at 2.
    expect(seqs).toEqual({ [claimed]: 3, [waiting]: 2 });
    const rows = (await ds.query(`SELECT id, event_seq FROM jobs WHERE id = ANY($1)`, [[claimed, waiting]])) as Array<{ id: string; event_seq: number }>;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.event_seq]))).toEqual({ [claimed]: 3, [waiting]: 2 });
  });

  it('carries a job detail message to the detail listeners', async () => {
    const message = { jobId: randomUUID(), events: [{ seq: 3, time: new Date().toISOString(), type: 'stage' as const, name: 's' }] };
    const got: unknown[] = [];
    const off = bus.onDetail((m) => got.push(m));
    await bus.publishDetail(message);
    await expect.poll(() => got).toEqual([message]);
    off();
  });

  it('marks the end event of a job with a callback, and only that one', async () => {
    const [plain, hooked, inContext] = [await queued(), await queued(), await queued('c5')];
    await ds.query(`UPDATE jobs SET callback_url = 'http://127.0.0.1:1/', callback_state = 'PENDING' WHERE id = ANY($1)`, [[hooked, inContext]]);
    await lifecycle.end({ jobId: plain, context: 'c1' }, { status: 'FINISHED', result: '1' });
    await lifecycle.end({ jobId: hooked, context: 'c1' }, { status: 'FINISHED', result: '1' });
    await lifecycle.endActiveOfContext({ name: 'c5' }, 'KILLED');
    await settle();
    const marked = Object.fromEntries(heard.map((h) => [h.event.jobId, 'callback' in h.event && h.event.callback]));
    expect(marked).toEqual({ [plain]: false, [hooked]: true, [inContext]: true });
  });

  it('announces RUNNING in the background without writing it', async () => {
    const jobId = await queued();
    const startTime = new Date();
    lifecycle.announceRunning({ jobId, context: 'c1' }, startTime);
    await settle();
    expect(heard.map((h) => h.event)).toEqual([
      { kind: 'job', jobId, context: 'c1', status: 'RUNNING', startTime: startTime.toISOString(), seq: 2, time: startTime.toISOString() },
    ]);
    expect(await rowStatus(jobId)).toBe('QUEUED');
  });

  it('publishes the end, counts it and shortens the claim, in one call', async () => {
    const jobId = await queued();
    const startTime = new Date(Date.now() - 5);
    const claim = names.jobClaimKey(jobId);
    await redis.set(claim, 'context:c1', 'EX', 7 * 24 * 3600);
    const before = Number((await redis.hget(names.metricsKey, 'ended:FINISHED')) ?? 0);
    const ref = { jobId, context: 'c1' };
    await lifecycle.end(ref, { status: 'FINISHED', result: '7' }, { startTime, settleClaim: true });
    await settle();
    expect(heard.map((h) => h.event.status)).toEqual(['FINISHED']);
    // seq 3: the job ran (its start time is given), so its RUNNING (announced, not written) was seq 2.
    expect(heard[0]!.event).toMatchObject({ ...ref, status: 'FINISHED', result: '7', seq: 3 });
    expect(Number(await redis.hget(names.metricsKey, 'ended:FINISHED'))).toBe(before + 1);
    const ttl = await redis.ttl(claim);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('leaves the claim alone unless asked', async () => {
    const jobId = await queued();
    const claim = names.jobClaimKey(jobId);
    await redis.set(claim, 'context:c1', 'EX', 7 * 24 * 3600);
    await lifecycle.end({ jobId, context: 'c1' }, { status: 'ERROR', error: { message: 'x', errorClass: 'E', stack: [] } }, { startTime: new Date() });
    await settle();
    expect(heard.map((h) => h.event.status)).toEqual(['ERROR']);
    expect(await redis.ttl(claim)).toBeGreaterThan(6 * 24 * 3600);
  });

  it('ends a batch in one statement and publishes every end in one call', async () => {
    const [a, b, gone] = [await queued(), await queued(), await queued()];
    await lifecycle.end({ jobId: gone, context: 'c1' }, { status: 'KILLED' });
    await settle();
    heard = [];
    const counted = async () => Number((await redis.hget(names.metricsKey, 'ended:FINISHED')) ?? 0) + Number((await redis.hget(names.metricsKey, 'ended:ERROR')) ?? 0);
    const before = await counted();
    for (const id of [a, b]) await redis.set(names.jobClaimKey(id), 'context:c1', 'EX', 7 * 24 * 3600);
    const startTime = new Date();
    const results = await lifecycle.endMany([
      { job: { jobId: a, context: 'c1' }, ending: { status: 'FINISHED', result: '1' }, startTime, settleClaim: true },
      { job: { jobId: gone, context: 'c1' }, ending: { status: 'FINISHED', result: '1' }, settleClaim: true },
      { job: { jobId: b, context: 'c1' }, ending: { status: 'ERROR', error: { message: 'x', errorClass: 'E', stack: [] } }, startTime, settleClaim: true },
    ]);
    expect(results).toEqual([true, false, true]);
    await settle();
    expect(heard.map((h) => [h.event.jobId, h.event.status])).toEqual([[a, 'FINISHED'], [b, 'ERROR']]);
    expect(await counted()).toBe(before + 2);
    for (const id of [a, b]) expect(await redis.ttl(names.jobClaimKey(id))).toBeLessThanOrEqual(3600);
  });
});
