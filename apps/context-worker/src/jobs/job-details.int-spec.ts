import { randomUUID } from 'node:crypto';
import type { Logger } from '../infra/logger';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLifecycle, JobRepository, openDataSource, runMigrations } from '@jobserver/persistence';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis, openEventBus, type EventBus } from '@jobserver/protocol/redis';
import { testDatabase, testRedis } from '../../../../test/support/services';
import type { ReportedEvent } from '../executor/executor.messages';
import { EARLY_SHARE, JobDetailWriters, SERVER_LOG_LINES_PER_SECOND } from './job-details';

/** The worker's side of job reports on Postgres: throttled batch writes, the latest progress, the flush before the end, the server-log copy. */
describe('JobDetailWriters on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let bus: EventBus;
  let lifecycle: JobLifecycle;
  const logged: Array<{ level: string; message: string }> = [];
  const logger = Object.fromEntries(
    ['log', 'warn', 'error'].map((level) => [level, (_fields: unknown, message: string) => void logged.push({ level, message })]),
  ) as unknown as Logger;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const { url, prefix } = await testRedis();
    redis = connectRedis(url, 'details-writer-test');
    bus = await openEventBus(redis, new RedisNames(prefix), 'details-writer-test', {}, () => undefined);
    lifecycle = new JobLifecycle(new JobRepository(ds), bus);
  });
  afterAll(async () => {
    await bus?.close();
    redis?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  const started = async () => {
    const jobId = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       VALUES ($1, 'app', $2, 'x.Y', 'c1', false, 'QUEUED', '{}')`,
      [jobId, 'a'.repeat(64)],
    );
    return { jobId, context: 'c1', startTime: new Date() };
  };
  const count = async (jobId: string, type: string) =>
    ((await ds.query(`SELECT count(*)::int AS n FROM job_events WHERE job_id = $1 AND type = $2`, [jobId, type])) as Array<{ n: number }>)[0]!.n;
  const progress = (fraction: number): ReportedEvent => ({ type: 'progress', time: Date.now(), fraction });

  it('writes at most progress-rate batches a second (a batch may come EARLY_SHARE of a period early), the latest progress last, and everything by the end', async () => {
    const writers = new JobDetailWriters({ progressRate: 5, logLineLimit: 1024, logLinesRetained: 100 }, lifecycle, logger);
    const job = await started();
    writers.begin(job);
    const from = Date.now();
    for (let i = 1; i <= 100; i++) {
      writers.add(job.jobId, [progress(i / 100)], 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsedS = (Date.now() - from) / 1000;
    await writers.end(job.jobId);
    expect(await count(job.jobId, 'progress')).toBeLessThanOrEqual((5 / (1 - EARLY_SHARE)) * elapsedS + 2);
    expect(await count(job.jobId, 'progress')).toBeGreaterThanOrEqual(2);
    const [row] = (await ds.query(`SELECT status, progress FROM jobs WHERE id = $1`, [job.jobId])) as Array<Record<string, unknown>>;
    expect(row).toEqual({ status: 'RUNNING', progress: { fraction: 1 } });
  });

  it('costs nothing for a job that reported nothing, and drops reports of a job not running here', async () => {
    const writers = new JobDetailWriters({ progressRate: 5, logLineLimit: 1024, logLinesRetained: 100 }, lifecycle, logger);
    const job = await started();
    writers.begin(job);
    expect(writers.end(job.jobId)).toBeUndefined();
    writers.add(job.jobId, [progress(0.5)], 0);
    expect(writers.end(job.jobId)).toBeUndefined();
    expect(await count(job.jobId, 'progress')).toBe(0);
  });

  it(`copies at most ${SERVER_LOG_LINES_PER_SECOND} lines a second to the server log, then says how many it skipped`, async () => {
    logged.length = 0;
    const writers = new JobDetailWriters({ progressRate: 5, logLineLimit: 1024, logLinesRetained: 100 }, lifecycle, logger);
    const job = await started();
    writers.begin(job);
    const lines: ReportedEvent[] = Array.from({ length: 500 }, (_, line) => ({ type: 'log', time: Date.now(), line, level: 'INFO', message: `line ${line}` }));
    writers.add(job.jobId, lines, 7);
    await writers.end(job.jobId);
    expect(logged.filter((l) => l.message.startsWith('line '))).toHaveLength(SERVER_LOG_LINES_PER_SECOND);
    expect(logged).toContainEqual({ level: 'warn', message: `400 log lines not copied to the server log (over ${SERVER_LOG_LINES_PER_SECOND} a second)` });
    expect(logged).toContainEqual({ level: 'warn', message: '7 log lines were over log-lines-retained before they were written' });
    expect(await count(job.jobId, 'log')).toBe(100);
  });

  it("numbers a retried job's log lines on from its earlier attempts'", async () => {
    const writers = new JobDetailWriters({ progressRate: 5, logLineLimit: 1024, logLinesRetained: 100 }, lifecycle, logger);
    const job = await started();
    const log = (line: number): ReportedEvent => ({ type: 'log', time: Date.now(), line, level: 'INFO', message: `line ${line}` });
    writers.begin(job);
    writers.add(job.jobId, [log(0), log(1)], 0);
    const lines = writers.lines(job.jobId);
    expect(lines).toBe(2);
    await writers.end(job.jobId);
    // The next attempt's executor numbers its lines from 0 again.
    writers.begin(job, lines);
    expect(writers.lines(job.jobId)).toBe(2);
    writers.add(job.jobId, [log(0), log(1), log(2)], 0);
    expect(writers.lines(job.jobId)).toBe(5);
    await writers.end(job.jobId);
    const rows = (await ds.query(`SELECT line, payload->>'message' AS message FROM job_events WHERE job_id = $1 ORDER BY seq`, [job.jobId])) as Array<{ line: number; message: string }>;
    expect(rows.map((r) => [r.line, r.message])).toEqual([[0, 'line 0'], [1, 'line 1'], [2, 'line 0'], [3, 'line 1'], [4, 'line 2']]);
  });
});
