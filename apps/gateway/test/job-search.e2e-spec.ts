import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, rest, type Rest } from './rest';

interface Seed {
  id: string;
  app: string;
  classPath: string;
  context: string;
  status: string;
  /** Seconds before the newest job; equal values tie and are ordered by id. */
  age: number;
}

const APPS = [
  { app: 'Alpha', classPath: 'com.Word', context: 'ctx-one' },
  { app: 'beta', classPath: 'org.Fail', context: 'ctx-two' },
  { app: 'gamma', classPath: 'com.Other', context: 'alpha-ctx' },
];
const STATUSES = ['FINISHED', 'ERROR', 'KILLED', 'FINISHED'];

/** 11 ended jobs, two pairs of them created at the same instant (the keyset's ties). */
const SEEDS: Seed[] = Array.from({ length: 11 }, (_, i) => ({
  id: randomUUID(),
  ...APPS[i % 3]!,
  status: STATUSES[i % 4]!,
  age: i === 4 || i === 8 ? i - 1 : i,
}));

/** Newest first, ties by id: the order GET /jobs promises. */
const ORDERED = [...SEEDS].sort((a, b) => a.age - b.age || (a.id < b.id ? -1 : 1));
const idsOf = (body: Array<{ jobId: string }>) => body.map((job) => job.jobId);
const expected = (keep: (seed: Seed) => boolean) => ORDERED.filter(keep).map((seed) => seed.id);

describe('job search, keyset paging and status counts over HTTP', () => {
  let server: TestServer;
  let api: Rest;

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
    for (const seed of SEEDS) {
      await server.query(
        `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time, event_seq)
         VALUES ($1, $2, repeat('a', 64), $3, $4, $5, '{}', $6, $6, $6, 3)`,
        [seed.id, seed.app, seed.classPath, seed.context, seed.status, new Date(Date.UTC(2026, 0, 1) - seed.age * 1000)],
      );
    }
  });
  afterAll(async () => server?.stop());

  it('filters by exact appName, classPath and context, newest first', async () => {
    expect(idsOf((await api.get('/jobs?appName=Alpha')).body)).toEqual(expected((s) => s.app === 'Alpha'));
    expect(idsOf((await api.get('/jobs?classPath=org.Fail')).body)).toEqual(expected((s) => s.classPath === 'org.Fail'));
    expect(idsOf((await api.get('/jobs?context=alpha-ctx')).body)).toEqual(expected((s) => s.context === 'alpha-ctx'));
    expect((await api.get('/jobs?appName=alpha')).body).toEqual([]);
    expect((await api.get('/jobs?appName=Alph')).body).toEqual([]);
    const both = await api.get('/jobs?appName=Alpha&status=error');
    expect(idsOf(both.body)).toEqual(expected((s) => s.app === 'Alpha' && s.status === 'ERROR'));
  });

  it('finds a job by its full id with q, in any case', async () => {
    const target = SEEDS[5]!;
    const res = await api.get(`/jobs?q=${target.id.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ jobId: target.id, appName: target.app, context: target.context });
  });

  it('matches q as a case-insensitive prefix of app name, classPath or context name', async () => {
    const alpha = expected((s) => s.app === 'Alpha' || s.context === 'alpha-ctx');
    expect(idsOf((await api.get('/jobs?q=ALP')).body)).toEqual(alpha);
    expect(idsOf((await api.get('/jobs?q=org.f')).body)).toEqual(expected((s) => s.classPath === 'org.Fail'));
    expect(idsOf((await api.get('/jobs?q=CTX-T')).body)).toEqual(expected((s) => s.context === 'ctx-two'));
    expect((await api.get('/jobs?q=lpha')).body).toEqual([]);
    expect((await api.get(`/jobs?q=${encodeURIComponent('%')}`)).body).toEqual([]);
    expect((await api.get('/jobs?q=_lpha')).body).toEqual([]);
  });

  it('pages with before across 3 pages with no duplicates or gaps', async () => {
    const pages: string[][] = [];
    let path = '/jobs?limit=4';
    for (let page = 0; page < 4; page += 1) {
      const res = await api.get(path);
      expect(res.status).toBe(200);
      if (res.body.length === 0) break;
      pages.push(idsOf(res.body));
      path = `/jobs?limit=4&before=${res.body.at(-1).jobId}`;
    }
    expect(pages.map((page) => page.length)).toEqual([4, 4, 3]);
    expect(pages.flat()).toEqual(ORDERED.map((seed) => seed.id));
    const last = ORDERED.at(-1)!.id;
    expect((await api.get(`/jobs?before=${last}`)).body).toEqual([]);
  });

  it('pages a filtered list with before', async () => {
    const gamma = expected((s) => s.app === 'gamma');
    const first = await api.get('/jobs?appName=gamma&limit=2');
    expect(idsOf(first.body)).toEqual(gamma.slice(0, 2));
    const rest = await api.get(`/jobs?appName=gamma&limit=2&before=${gamma[1]}`);
    expect(idsOf(rest.body)).toEqual(gamma.slice(2, 4));
  });

  it('counts jobs of each status, with the same filters', async () => {
    const countOf = (keep: (seed: Seed) => boolean) => {
      const counts: Record<string, number> = { QUEUED: 0, RUNNING: 0, FINISHED: 0, ERROR: 0, KILLED: 0 };
      for (const seed of SEEDS.filter(keep)) counts[seed.status]! += 1;
      return counts;
    };
    const all = await api.get('/jobs/counts');
    expect(all.status).toBe(200);
    expect(all.body).toEqual(countOf(() => true));
    expect((await api.get('/jobs/counts?appName=beta')).body).toEqual(countOf((s) => s.app === 'beta'));
    expect((await api.get('/jobs/counts?q=alp')).body).toEqual(countOf((s) => s.app === 'Alpha' || s.context === 'alpha-ctx'));
    expect((await api.get(`/jobs/counts?q=${SEEDS[2]!.id}`)).body).toEqual(countOf((s) => s.id === SEEDS[2]!.id));
    expect((await api.get('/jobs/counts?context=none')).body).toEqual(countOf(() => false));
  });

  it('answers 400 in the error shape for bad filters and an unknown before', async () => {
    const bad: Array<[string, RegExp]> = [
      ['/jobs?before=nope', /before/],
      [`/jobs?before=${randomUUID()}`, /before/],
      ['/jobs?q=', /q must/],
      [`/jobs?appName=${'a'.repeat(201)}`, /appName/],
      ['/jobs?context=', /context/],
      ['/jobs?classPath=a&classPath=b', /classPath/],
      ['/jobs/counts?q=', /q must/],
      [`/jobs/counts?appName=${'a'.repeat(201)}`, /appName/],
    ];
    for (const [path, message] of bad) {
      const res = await api.get(path);
      expectError(res, 400);
      expect(res.body.result, path).toMatch(message);
    }
  });
});
