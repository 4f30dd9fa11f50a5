import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '@jobserver/config';
import {
  BundleRepository,
  JobLifecycle,
  JobRepository,
  openDataSource,
  runMigrations,
  ScheduleRepository,
  type ScheduleRecord,
} from '@jobserver/persistence';
import { adHocContextName, RedisNames } from '@jobserver/protocol';
import { connectRedis, EventBus } from '@jobserver/protocol/redis';
import { Queue } from 'bullmq';
import { deleteKeys } from '../../../../test/support/processes';
import { testDatabase, testRedis } from '../../../../test/support/services';
import { ContextQueues } from '../infra/context-queues';
import { SubmitQueue } from '../jobs/submit-queue';
import { ScheduleTicker } from './schedule-ticker.service';
import { tickJobId } from './tick-job-id';

const PERIOD_MS = 60_000;

/** Two schedulers taking the same tick, one of them killed between recording its job and queueing it. */
describe('ScheduleTicker on a tick another scheduler recorded', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let redisUrl: string;
  let names: RedisNames;
  let lifecycle: JobLifecycle;
  let schedules: ScheduleRepository;
  let submitQueue: SubmitQueue;
  let ticker: ScheduleTicker;
  let peek: Queue;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const service = await testRedis();
    redisUrl = service.url;
    names = new RedisNames(service.prefix);
    redis = connectRedis(redisUrl, 'ticker-test');
    const config = await loadServerConfig({ REDIS_URL: redisUrl, DATABASE_URL: db.url, JOBSERVER_PREFIX: names.prefix });
    const jobs = new JobRepository(ds);
    lifecycle = new JobLifecycle(jobs, new EventBus(redis, names, () => undefined));
    schedules = new ScheduleRepository(ds);
    const bundles = new BundleRepository(ds);
    await bundles.save({ appName: 'demo', binaryType: 'js', sha256: 'a'.repeat(64), size: 1, entry: 'index.js', bytes: Buffer.from('x'), owner: null });
    submitQueue = new SubmitQueue(config, redis, names, new ContextQueues(redis, names));
    ticker = new ScheduleTicker(config, schedules, lifecycle, jobs, bundles, submitQueue);
    peek = new Queue(names.submitQueue, { connection: redis, prefix: config.prefix });
  });
  afterAll(async () => {
    await peek?.close();
    await submitQueue?.onApplicationShutdown();
    redis?.disconnect();
    if (names) await deleteKeys(redisUrl, names.prefix);
    await ds?.destroy();
    await db?.drop();
  });

  /** An ad-hoc schedule whose tick `tick` is due, with that tick's job recorded QUEUED as a scheduler's INSERT leaves it. */
  async function tickRecordedBySomeoneElse(tick: Date): Promise<{ schedule: ScheduleRecord; jobId: string }> {
    const id = randomUUID();
    const schedule = (await schedules.create({
      id, name: `s-${id}`, appName: 'demo', classPath: 'Echo', contextName: null, cron: null, everyMs: PERIOD_MS, timezone: null,
      config: '{}', priority: 50, retries: 0, missed: null, owner: null, contextOwner: null,
      anchor: new Date(tick.getTime() - 5 * PERIOD_MS), nextRunAt: tick,
    }))!;
    const jobId = tickJobId(id, tick);
    const job = { id: jobId, appName: 'demo', classPath: 'Echo', contextName: adHocContextName('Echo'), adHoc: true, config: '{}' };
    expect(await lifecycle.submitMany([{ job, contextOwner: null }])).toEqual(['a'.repeat(64)]);
    return { schedule, jobId };
  }

  it('queues the job of a scheduler killed between recording it and queueing it', async () => {
    const tick = new Date(Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS);
    const { schedule, jobId } = await tickRecordedBySomeoneElse(tick);
    expect(await peek.getJob(jobId)).toBeUndefined();

    expect(await ticker.tick(schedule, new Date(tick.getTime() + 10))).toBe('taken');

    const queued = await peek.getJob(jobId);
    expect(queued?.data).toMatchObject({ jobId, adHoc: true, appName: 'demo', bundleSha: 'a'.repeat(64), classPath: 'Echo' });
    expect((await schedules.byName(schedule.name))!.nextRunAt.getTime()).toBe(tick.getTime() + PERIOD_MS);
  });

  it('does not queue again a job that left the queue and ran', async () => {
    const tick = new Date(Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS - PERIOD_MS);
    const { schedule, jobId } = await tickRecordedBySomeoneElse(tick);
    await lifecycle.end({ jobId, context: adHocContextName('Echo'), adHoc: true }, { status: 'FINISHED', result: '1' });

    expect(await ticker.tick(schedule, new Date(tick.getTime() + 10))).toBe('taken');

    expect(await peek.getJob(jobId)).toBeUndefined();
  });
});
