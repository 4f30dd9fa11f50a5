import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../../test/support/cluster';
import { EXAMPLE_BUNDLE } from '../../../test/support/server';
import { expectError, type Reply } from './rest';

/** POST with headers, answering like rest()'s replies. */
async function post(base: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), location: res.headers.get('location'), body: text ? JSON.parse(text) : undefined };
}

/** `Idempotency-Key` on POST /jobs and POST /contexts/<name>, across two gateways of one cluster. */
describe('idempotency keys', () => {
  let cluster: TestCluster;
  let one: string;
  let two: string;
  const jobCount = async () => Number((await cluster.query<{ n: string }>('SELECT count(*) AS n FROM jobs'))[0]!.n);
  const runs = async () => Number((await cluster.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE class_path = 'LongRunningExample'`))[0]!.n);

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 2, schedulers: 1, workers: 3 });
    [one, two] = cluster.gateways.map((g) => g.url);
    expect((await fetch(`${one}/binaries/test`, { method: 'POST', body: readFileSync(EXAMPLE_BUNDLE) })).status).toBe(201);
    expect((await post(one, '/contexts/idem', '')).status).toBe(200);
  });
  afterAll(async () => cluster?.stop());

  it('answers a repeated sync submit, on any gateway, with the first one\'s job and result; no second run', async () => {
    const path = '/jobs?appName=test&classPath=WordCountExample&context=idem&sync=true';
    const first = await post(one, path, 'input.string = a b a', { 'Idempotency-Key': 'wc-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const before = await jobCount();
    const again = await post(two, path, 'input.string = a b a', { 'Idempotency-Key': 'wc-1' });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(await jobCount()).toBe(before);
  });

  it('answers a repeat that comes while the first still runs with the same job, once', async () => {
    const path = '/jobs?appName=test&classPath=LongRunningExample&context=idem&sync=true';
    const config = 'durationMs = 1500';
    const [a, b] = await Promise.all([
      post(one, path, config, { 'Idempotency-Key': 'slow-1' }),
      new Promise<Reply>((resolve) => setTimeout(() => resolve(post(two, path, config, { 'Idempotency-Key': 'slow-1' })), 300)),
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(b).toMatchObject({ status: 200, body: { jobId: a.body.jobId } });
    expect(await runs()).toBe(1);
  });

  it('answers an async repeat 202 with the same job id', async () => {
    const path = '/jobs?appName=test&classPath=WordCountExample&context=idem';
    const first = await post(one, path, 'input.string = x', { 'Idempotency-Key': 'async-1' });
    expect(first.status).toBe(202);
    const again = await post(two, path, 'input.string = x', { 'Idempotency-Key': 'async-1' });
    expect(again).toMatchObject({ status: 202, body: { jobId: first.body.jobId } });
  });

  it('answers 422 naming the conflict when a key comes back with another request; nothing is recorded', async () => {
    const path = '/jobs?appName=test&classPath=WordCountExample&context=idem&sync=true';
    await post(one, path, 'input.string = q', { 'Idempotency-Key': 'mixed' });
    const before = await jobCount();
    const other = await post(two, path, 'input.string = different', { 'Idempotency-Key': 'mixed' });
    expectError(other, 422, 'Idempotency-Key mixed was first used with a different request: use a new key for a new request');
    expect(await jobCount()).toBe(before);
  });

  it('frees the key of a request that was refused before anything was recorded', async () => {
    const refused = '/jobs?appName=nope&classPath=WordCountExample&context=idem&sync=true';
    expectError(await post(one, refused, 'a = 1', { 'Idempotency-Key': 'refused' }), 404);
    // The key is free again: another request takes it, and from then on the refused one conflicts.
    const good = await post(two, '/jobs?appName=test&classPath=WordCountExample&context=idem&sync=true', 'input.string = ok', { 'Idempotency-Key': 'refused' });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expectError(await post(one, refused, 'a = 1', { 'Idempotency-Key': 'refused' }), 422);
  });

  it('creates a context once for a repeated POST /contexts/<name>, and 422 for other settings', async () => {
    const [a, b] = await Promise.all([
      post(one, '/contexts/idem-ctx?max-jobs-per-context=3', '', { 'Idempotency-Key': 'ctx-1' }),
      post(two, '/contexts/idem-ctx?max-jobs-per-context=3', '', { 'Idempotency-Key': 'ctx-1' }),
    ]);
    expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([200, 200]);
    const rows = await cluster.query(`SELECT id FROM contexts WHERE name = 'idem-ctx'`);
    expect(rows).toHaveLength(1);
    expectError(await post(one, '/contexts/idem-ctx?max-jobs-per-context=4', '', { 'Idempotency-Key': 'ctx-1' }), 422);
    // Without a key, the name is taken: the API.md answer.
    expectError(await post(one, '/contexts/idem-ctx', ''), 400);
  });

  it('refuses keys that are empty, too long or not visible ASCII with 400', async () => {
    const path = '/jobs?appName=test&classPath=WordCountExample&context=idem&sync=true';
    for (const key of ['', 'x'.repeat(201), 'has space', 'tab\there']) {
      const res = await fetch(`${one}${path}`, { method: 'POST', body: 'input.string = a', headers: { 'Idempotency-Key': key } });
      expect(res.status, key).toBe(400);
      expect((await res.json()).result).toMatch(/Idempotency-Key must be 1 to 200 visible ASCII characters/);
    }
  });
});
