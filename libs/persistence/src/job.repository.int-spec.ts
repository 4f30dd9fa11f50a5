import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { BundleRepository } from './repositories/bundle.repository';
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
    // RUNNING and QUEUED in one statement (one snapshot), at most `limit` of each.
    expect(await jobs.markRunning(a.id, new Date())).toBe(true);
    const either = await search.listOfStatuses(1, { context: 'c2' }, ['RUNNING', 'QUEUED']);
    expect(either.map((j) => [j.id, j.status])).toEqual([[a.id, 'RUNNING'], [b.id, 'QUEUED']]);
    expect(await jobs.endActiveOfContext('c2', { status: 'ERROR' })).toHaveLength(2);
  });

  it('records a batch of submitted jobs in one statement, only those with an app and a runnable context', async () => {
    await new BundleRepository(ds).save({ appName: 'batch-app', binaryType: 'js', sha256: 'b'.repeat(64), size: 1, entry: 'bundle.mjs', bytes: Buffer.from('1'), owner: null });
    const live = await contexts.insertStarting('batch-ctx', {}, false, 'alice');
    await contexts.transition(live.id, ['STARTED'], 'RUNNING', { pid: 1 });
    const job = (over: Partial<{ appName: string; contextName: string; adHoc: boolean }>) => ({
      id: randomUUID(), appName: 'batch-app', classPath: 'x.Y', contextName: 'batch-ctx', adHoc: false, config: '{}', ...over,
    });
    const batch = [
      { job: job({}), contextOwner: null },
      { job: job({ appName: 'no-such-app' }), contextOwner: null },
      { job: job({ contextName: 'no-such-ctx' }), contextOwner: null },
      { job: job({ contextName: 'adhoc-1', adHoc: true }), contextOwner: null },
      { job: job({}), contextOwner: 'bob' },
      { job: job({}), contextOwner: 'alice' },
    ];
    const recorded = await jobs.insertSubmittedMany(batch);
    expect(recorded.map((r) => r?.bundleSha ?? null)).toEqual(['b'.repeat(64), null, null, 'b'.repeat(64), null, 'b'.repeat(64)]);
    const stored = await ds.query(`SELECT id FROM jobs WHERE id = ANY($1) AND status = 'QUEUED'`, [batch.map((b) => b.job.id)]);
    expect(stored.map((r: { id: string }) => r.id).sort()).toEqual([batch[0]!, batch[3]!, batch[5]!].map((b) => b.job.id).sort());
  });

  it("leaves a new life's jobs to it when an old life of the name ends them, whatever the clocks say", async () => {
    await new BundleRepository(ds).save({ appName: 'life-app', binaryType: 'js', sha256: 'l'.repeat(64), size: 1, entry: 'bundle.mjs', bytes: Buffer.from('1'), owner: null });
    const old = await contexts.insertStarting('reused', {}, false);
    await contexts.end(old.id, 'FINISHED');
    const fresh = await contexts.insertStarting('reused', {}, false);
    const job = { id: randomUUID(), appName: 'life-app', classPath: 'x.Y', contextName: 'reused', adHoc: false, config: '{}' };
    expect(await jobs.insertSubmitted(job)).not.toBeNull();
    // Seen in CI on a loaded machine: the job's now() (its transaction's start) came before the new
    // life's start_time, though the job's insert saw that life. Only the record of the life it
    // was admitted to may decide.
    await ds.query(`UPDATE contexts SET start_time = now() + interval '1 second' WHERE id = $1`, [fresh.id]);
    expect(await jobs.endActiveOfContext('reused', { status: 'KILLED' }, old.id)).toEqual([]);
    expect(await jobs.endActiveOfContext('reused', { status: 'KILLED' }, fresh.id)).toMatchObject([{ id: job.id }]);
  });

  it('ends a batch of jobs in one statement, each once, leaving the ended ones alone', async () => {
    const [queued, running, ended] = [newJob('c3'), newJob('c3'), newJob('c3')];
    for (const job of [queued, running, ended]) await insert(job);
    await jobs.markRunning(running.id, new Date());
    await jobs.end(ended.id, { status: 'KILLED' });
    const startTime = new Date(Date.now() - 1000);
    const results = await jobs.endMany([
      { id: queued.id, ending: { status: 'FINISHED', result: '1' }, startTime },
      { id: running.id, ending: { status: 'ERROR', error: { message: 'bad', errorClass: 'E', stack: [] } } },
      { id: ended.id, ending: { status: 'FINISHED', result: '2' } },
    ]);
    expect(results.map((r) => r?.seq ?? null)).toEqual([3, 3, null]);
    expect(await jobs.byId(queued.id)).toMatchObject({ status: 'FINISHED', result: '1', startTime });
    expect(await jobs.byId(running.id)).toMatchObject({ status: 'ERROR', error: { message: 'bad', errorClass: 'E', stack: [] } });
    expect(await jobs.byId(ended.id)).toMatchObject({ status: 'KILLED', result: null });
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
