import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const OLD_JOBS = 100_000;
const sha = (c: string) => c.repeat(64);

describe('job-retention clean-up with 100k old jobs while jobs are submitted', () => {
  let server: TestServer;
  let api: JobserverClient;
  const count = async (sql: string, params: unknown[] = []) =>
    (await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_JOB_RETENTION: '1h', JOBSERVER_RETENTION_INTERVAL: '1s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/live')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  /** Old and recent history: what must go and what must stay. */
  const seed = async () => {
    const old = `now() - interval '2 days'`;
    // One statement each (CTEs): the clean-up runs meanwhile and must not delete a parent before its children are in.
    await server.query(
      `WITH old AS (
         INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, result, created_at, start_time, end_time)
         SELECT gen_random_uuid(), 'demo', $1, 'WordCountExample', 'gone', (ARRAY['FINISHED','ERROR','KILLED'])[1 + i % 3], '{}', '{"n":1}', ${old}, ${old}, ${old}
         FROM generate_series(1, ${OLD_JOBS}) AS i RETURNING id)
       INSERT INTO job_events (job_id, seq, time, type, payload) SELECT id, 3, now(), 'log', '{}' FROM old LIMIT 1000`,
      [sha('0')],
    );
    await server.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time) VALUES
       ('00000000-0000-4000-8000-000000000001', 'usedapp', $1, 'X', 'kept', 'RUNNING', '{}', ${old}, ${old}, NULL),
       ('00000000-0000-4000-8000-000000000002', 'demo', $2, 'X', 'kept', 'QUEUED', '{}', ${old}, NULL, NULL),
       ('00000000-0000-4000-8000-000000000003', 'demo', $2, 'X', 'kept', 'FINISHED', '{}', now() - interval '10 minutes', now(), now())`,
      [sha('a'), sha('0')],
    );
    await server.query(
      `INSERT INTO bundles (app_name, binary_type, sha256, size, entry, bytes, upload_time) VALUES
       ('oldapp', 'js', $1, 1, 'x', '\\x00', now() - interval '3 days'),
       ('oldapp', 'js', $2, 1, 'x', '\\x00', now() - interval '2 days'),
       ('usedapp', 'js', $3, 1, 'x', '\\x00', now() - interval '3 days'),
       ('usedapp', 'js', $4, 1, 'x', '\\x00', now() - interval '2 days')`,
      [sha('b'), sha('c'), sha('a'), sha('d')],
    );
    await server.query(
      `WITH ctx AS (
         INSERT INTO contexts (id, name, state, start_time, end_time) VALUES
         ('00000000-0000-4000-8000-00000000000a', 'ancient', 'FINISHED', now() - interval '3 days', now() - interval '2 days'),
         ('00000000-0000-4000-8000-00000000000b', 'recent', 'ERROR', now() - interval '20 minutes', now() - interval '10 minutes')
         RETURNING id)
       INSERT INTO statements (context_id, id, code, state) SELECT id, 0, '1', 'available' FROM ctx`,
    );
  };

  it('deletes exactly the old finished jobs, ended contexts and unreferenced bundle versions, while submits keep succeeding', async () => {
    await seed();
    const submits: number[] = [];
    let cleaned = false;
    const submitting = (async () => {
      while (!cleaned) {
        const res = await api.submit({ appName: 'demo', classPath: 'WordCountExample', context: 'live', sync: true }, 'input.string = a b a');
        submits.push(res.status);
        expect(res.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
      }
    })();
    // A pass deletes jobs, then contexts, then bundles, each perhaps before all were seeded: wait for every kind.
    const left = async () =>
      (await count(`jobs WHERE context_name = 'gone'`)) +
      (await count(`contexts WHERE name = 'ancient'`)) +
      (await count(`bundles WHERE sha256 = $1`, [sha('b')]));
    await eventually(async () => ((await left()) === 0 ? true : undefined), 300_000);
    cleaned = true;
    await submitting;

    expect(submits.length).toBeGreaterThan(0);
    expect(submits.every((s) => s === 200)).toBe(true);
    expect(await count(`job_events e WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = e.job_id)`)).toBe(0);
    const kept = await server.query<{ id: string }>(`SELECT id FROM jobs WHERE context_name = 'kept' ORDER BY id`);
    expect(kept.map((j) => j.id)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      '00000000-0000-4000-8000-000000000003',
    ]);
    // The submitted jobs are recent: all kept.
    expect(await count(`jobs WHERE class_path = 'WordCountExample'`)).toBe(submits.length);
    const bundles = await server.query<{ app: string; sha: string }>(
      `SELECT app_name AS app, sha256 AS sha FROM bundles WHERE app_name <> 'demo' ORDER BY app_name, upload_time`,
    );
    expect(bundles).toEqual([
      { app: 'oldapp', sha: sha('c') },
      { app: 'usedapp', sha: sha('a') },
      { app: 'usedapp', sha: sha('d') },
    ]);
    expect((await server.query<{ name: string }>(`SELECT name FROM contexts WHERE name IN ('ancient', 'recent')`)).map((c) => c.name)).toEqual(['recent']);
    expect(await count(`statements`)).toBe(1);
  });
});
