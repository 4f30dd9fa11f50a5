import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { ContextRepository } from './repositories/context.repository';
import { JobRepository } from './repositories/job.repository';
import { JobSearchRepository } from './repositories/job-search.repository';

describe('JobRepository and ContextRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let jobs: JobRepository;
  let contexts: ContextRepository;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await Promise.all([runMigrations(ds), runMigrations(ds)]);
    jobs = new JobRepository(ds);
    contexts = new ContextRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Records a QUEUED job straight in SQL (JobRepository's only INSERT is insertSubmitted). */
  const insert = (job: ReturnType<typeof newJob>) =>
    ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       VALUES ($1, $2, $3, $4, $5, $6, 'QUEUED', $7)`,
      [job.id, job.appName, job.bundleSha, job.classPath, job.contextName, job.adHoc, job.config],
    );

  const newJob = (contextName = 'c1') => ({
    id: randomUUID(),
    appName: 'app',
    bundleSha: 'a'.repeat(64),
    classPath: 'x.Y',
    contextName,
    adHoc: false,
    config: '{"b":1,"a":2}',
  });

  it('moves a job QUEUED → RUNNING → FINISHED once, keeping config text as posted', async () => {
    const job = newJob();
    await insert(job);
    expect(await jobs.markRunning(job.id, new Date())).toBe(true);
    expect(await jobs.markRunning(job.id, new Date())).toBe(false);
    expect(await jobs.end(job.id, { status: 'FINISHED', result: '{"z":1,"a":2}' })).toMatchObject({ seq: 3, appName: expect.any(String), callback: false });
    expect(await jobs.end(job.id, { status: 'KILLED' })).toBeNull();
    const stored = await jobs.byId(job.id);
    expect(stored).toMatchObject({ status: 'FINISHED', result: '{"z":1,"a":2}', config: '{"b":1,"a":2}' });
    expect(stored!.endTime!.getTime()).toBeGreaterThanOrEqual(stored!.startTime!.getTime());
  });

  it('does not run a job that was killed while queued', async () => {
    const job = newJob();
    await insert(job);
    await jobs.end(job.id, { status: 'KILLED', error: { message: 'killed', errorClass: 'JobKilled', stack: [] } });
    expect(await jobs.markRunning(job.id, new Date())).toBe(false);
  });

  it('lists newest first and filters by status', async () => {
    const [a, b] = [newJob('c2'), newJob('c2')];
    await insert(a);
    await insert(b);
    const search = new JobSearchRepository(ds);
    const listed = await search.list(2);
    expect(listed.map((j) => j.id)).toEqual([b.id, a.id]);
    const queued = await search.list(50, { status: 'QUEUED' });
    expect(queued.every((j) => j.status === 'QUEUED')).toBe(true);
    expect(await jobs.endActiveOfContext('c2', { status: 'ERROR' })).toHaveLength(2);
  });

  it('holds a context name for one live context at a time', async () => {
    const first = await contexts.insertStarting('ctx-a', { x: 1 }, false);
    await expect(contexts.insertStarting('ctx-a', {}, false)).rejects.toThrow('context ctx-a exists');
    expect(await contexts.transition(first.id, ['STARTED'], 'RUNNING', { pid: 42 })).toBe(true);
    expect((await contexts.findLive('ctx-a'))?.pid).toBe(42);
    await contexts.end(first.id, 'FINISHED');
    expect(await contexts.findLive('ctx-a')).toBeNull();
    await contexts.insertStarting('ctx-a', {}, false);
  });
});
