import { randomUUID } from 'node:crypto';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle, JobRepository, openDataSource, runMigrations, type ContextRecord } from '@jobserver/persistence';
import { RedisNames, type ContextJobMessage } from '@jobserver/protocol';
import { connectRedis, JobClaims, openEventBus, type EventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../../test/support/processes';
import { testDatabase, testRedis } from '../../../../test/support/services';
import type { BundleCacheService } from '../bundles/bundle-cache.service';
import type { ExecutorService } from '../context/executor.service';
import type { JobOutcome } from '../executor/executor.messages';
import { JobRunService } from './job-run.service';

/**
 * When JobRunService publishes a job's events, on Postgres and Redis. Only the executor thread and
 * the bundle cache are stand-ins (a job's run is the executor's tests'); a lock on the job's row
 * holds its end's write still.
 */
describe('JobRunService on Postgres and Redis', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let redisUrl: string;
  let names: RedisNames;
  let bus: EventBus;
  let heard: Array<{ jobId: string; status: string }>;
  const config = { progressRate: 5, logLineLimit: 1024, logLinesRetained: 100, validateTimeoutMs: 10_000, killGraceMs: 1000, maxErrorSize: 65_536 } as ServerConfig;
  const context = { id: randomUUID(), name: 'c1', adHoc: false, settings: {} } as unknown as ContextRecord;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const { url, prefix } = await testRedis();
    redisUrl = url;
    redis = connectRedis(url, 'job-run-test');
    names = new RedisNames(prefix);
    bus = await openEventBus(redis, names, 'job-run-test', { events: true }, () => undefined);
    bus.onEvent((event) => {
      if (event.kind === 'job') heard.push({ jobId: event.jobId, status: event.status });
    });
  });
  beforeEach(() => {
    heard = [];
  });
  afterAll(async () => {
    await bus?.close();
    if (names) await deleteKeys(redisUrl, names.prefix);
    redis?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  /** A service whose executor reports the start (unless `starts` is false) and ends with `outcome`. */
  const service = (outcome: JobOutcome, { starts = true } = {}) => {
    const executor = {
      run: async (_request: unknown, onStarted?: () => void) => {
        if (starts) onStarted?.();
        return outcome;
      },
      runningJobIds: () => [],
    };
    const executors = { executor } as unknown as ExecutorService;
    const bundles = { entryPath: async () => '/bundle/index.mjs' } as unknown as BundleCacheService;
    const runs = new JobRunService(config, new JobLifecycle(new JobRepository(ds), bus), bundles, executors, new JobClaims(redis, names));
    runs.attach(context);
    return runs;
  };
  const queued = async () => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       VALUES ($1, 'app', $2, 'x.Y', 'c1', false, 'QUEUED', '{}')`,
      [id, 'a'.repeat(64)],
    );
    return id;
  };
  const message = (jobId: string, notifyStart: boolean): ContextJobMessage => ({ jobId, appName: 'app', bundleSha: 'a'.repeat(64), classPath: 'x.Y', config: '{}', notifyStart });
  const statusesOf = (jobId: string) => heard.filter((h) => h.jobId === jobId).map((h) => h.status);
  const rowStatus = async (jobId: string) => ((await ds.query(`SELECT status FROM jobs WHERE id = $1`, [jobId])) as Array<{ status: string }>)[0]!.status;

  it("publishes an async job's RUNNING as its executor starts it, while its end's write still waits (the POST is answered by it)", async () => {
    const jobId = await queued();
    const lock = ds.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query(`SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
    const running = service({ kind: 'finished', result: '1' }).run(message(jobId, true));
    try {
      await expect.poll(() => statusesOf(jobId)).toEqual(['RUNNING']);
      expect(await rowStatus(jobId)).toBe('QUEUED');
    } finally {
      await lock.commitTransaction();
      await lock.release();
    }
    await running;
    await expect.poll(() => statusesOf(jobId)).toEqual(['RUNNING', 'FINISHED']);
    expect(await rowStatus(jobId)).toBe('FINISHED');
  });

  it('publishes no RUNNING for a sync job (its answer is its end)', async () => {
    const jobId = await queued();
    await service({ kind: 'finished', result: '1' }).run(message(jobId, false));
    await expect.poll(() => statusesOf(jobId)).toEqual(['FINISHED']);
  });

  it('publishes no RUNNING for a job that never started in the executor', async () => {
    const jobId = await queued();
    await service({ kind: 'class-not-found' }, { starts: false }).run(message(jobId, true));
    await expect.poll(() => statusesOf(jobId)).toEqual(['ERROR']);
  });
});
