import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expect401, expect403, freshAddress, passwordHash } from '../apps/gateway/test/auth-http';
import { startTestCluster, type TestCluster } from './support/cluster';
import { eventually } from './support/server';

const PASSWORD = 'correct horse';

describe('API keys across a cluster of two gateways', () => {
  let cluster: TestCluster;
  let one: string;
  let two: string;
  const admin = { basic: `admin:${PASSWORD}` };
  const createKey = (base: string, body: unknown, auth: { basic?: string; bearer?: string } = admin) =>
    call(base, 'POST', '/auth/keys', { ...auth, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      admin: { 'password-hash': hash, permissions: ['*'] },
      keeper: { 'password-hash': hash, permissions: ['auth:admin', 'jobs:read'] },
      reader: { 'password-hash': hash, permissions: ['jobs:read'] },
    };
    cluster = await startTestCluster(
      { gateways: 2, schedulers: 1, workers: 0 },
      { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) },
    );
    [one, two] = cluster.gateways.map((g) => g.url);
  });
  afterAll(async () => cluster?.stop());

  it('creates a key on one gateway, which works on the other at once, and refuses it on both once revoked', async () => {
    const created = await createKey(one, { name: 'ci', permissions: ['jobs:read'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = created.body.result;
    expect(key).toMatchObject({ name: 'ci', permissions: ['jobs:read'], owner: 'admin', expires: null });
    expect(key.key).toMatch(/^jsk_[A-Za-z0-9_-]{43}$/);
    for (const base of [two, one]) {
      expect((await call(base, 'GET', '/jobs', { bearer: key.key })).status).toBe(200);
      expect403(await call(base, 'POST', '/jobs?appName=a&classPath=b', { bearer: key.key }), 'jobs:start');
    }
    // Stored hashed: the secret is nowhere in the table.
    const rows = await cluster.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [key.id]);
    expect(JSON.stringify(rows)).not.toContain(key.key.slice(4));
    await eventually(async () => {
      const [row] = await cluster.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
      return row.last_used_at ?? undefined;
    });

    const revoked = await call(two, 'DELETE', `/auth/keys/${key.id}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ status: 'SUCCESS' });
    for (const base of [one, two]) expect401(await call(base, 'GET', '/jobs', { bearer: key.key, from: freshAddress() }));
    expect((await call(one, 'DELETE', `/auth/keys/${key.id}`, admin)).status).toBe(404);
  });

  it('lists keys without their secrets, for auth:admin only', async () => {
    const created = (await createKey(one, { name: 'listed', permissions: ['jobs'] })).body.result;
    const list = await call(two, 'GET', '/auth/keys', admin);
    expect(list.status).toBe(200);
    const entry = list.body.find((k: { id: string }) => k.id === created.id);
    expect(entry).toMatchObject({ name: 'listed', permissions: ['jobs'], owner: 'admin', revoked: null });
    expect(Object.keys(entry).sort()).toEqual(['created', 'expires', 'id', 'lastUsed', 'name', 'owner', 'permissions', 'revoked']);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    expect403(await call(one, 'GET', '/auth/keys', { basic: `reader:${PASSWORD}` }), 'auth:admin');
    expect401(await call(one, 'GET', '/auth/keys', { from: freshAddress() }));
  });

  it('refuses keys with permissions the creating principal lacks (403), from a user or a key', async () => {
    const keeper = { basic: `keeper:${PASSWORD}` };
    expect403(await createKey(one, { name: 'more', permissions: ['jobs:start'] }, keeper), 'jobs:start');
    expect403(await createKey(one, { name: 'more', permissions: ['jobs'] }, keeper), 'jobs');
    const ok = await createKey(one, { name: 'less', permissions: ['jobs:read'] }, keeper);
    expect(ok.status).toBe(201);
    expect(ok.body.result.owner).toBe('keeper');
    const adminKey = (await createKey(one, { name: 'admin-key', permissions: ['auth:admin', 'jobs:read'] })).body.result;
    expect403(await createKey(two, { name: 'x', permissions: ['*'] }, { bearer: adminKey.key }), '*');
    const fromKey = await createKey(two, { name: 'y', permissions: ['jobs:read'] }, { bearer: adminKey.key });
    expect(fromKey.status).toBe(201);
    expect(fromKey.body.result.owner).toBe('admin');
  });

  it('answers 400 naming the problem for bad key requests', async () => {
    const bad: Array<[unknown, RegExp]> = [
      ['not json', /JSON object/],
      [[1, 2], /JSON object/],
      [{ permissions: ['jobs'] }, /name/],
      [{ name: '', permissions: ['jobs'] }, /name/],
      [{ name: 'x'.repeat(101), permissions: ['jobs'] }, /name/],
      [{ name: 'k' }, /permissions/],
      [{ name: 'k', permissions: [] }, /permissions/],
      [{ name: 'k', permissions: ['jobz', 'admin'] }, /unknown permission jobz, admin/],
      [{ name: 'k', permissions: ['jobs'], expires: 'tomorrow' }, /expires/],
      [{ name: 'k', permissions: ['jobs'], expires: '2001-01-01T00:00:00Z' }, /expires.*future/],
      [{ name: 'k', permissions: ['jobs'], extra: 1 }, /unknown field extra/],
    ];
    for (const [body, message] of bad) {
      const reply = await createKey(one, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.status).toBe('ERROR');
      expect(reply.body.result).toMatch(message);
    }
    for (const id of ['not-a-uuid', '0b7a1f5e-3c2d-4e6f-8a9b-0c1d2e3f4a5b']) {
      const reply = await call(one, 'DELETE', `/auth/keys/${id}`, admin);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ status: 'ERROR', result: `No such API key ${id}` });
    }
  });

  it('refuses an expired key', async () => {
    const key = (await createKey(one, { name: 'brief', permissions: ['jobs:read'], expires: '2s' })).body.result;
    expect(Date.parse(key.expires)).toBeGreaterThan(Date.now());
    expect((await call(two, 'GET', '/jobs', { bearer: key.key })).status).toBe(200);
    await eventually(async () => {
      const reply = await call(two, 'GET', '/jobs', { bearer: key.key, from: freshAddress() });
      return reply.status === 401 ? reply : undefined;
    }, 10_000).then(expect401);
    expect401(await call(one, 'GET', '/jobs', { bearer: key.key, from: freshAddress() }));
  });

  it('counts failed authentications across gateways: past the limit on one, 429 on the other', async () => {
    const from = freshAddress();
    const wrong = { basic: 'admin:wrong', from };
    // Both gateways verify and cache the good credentials first.
    for (const base of [one, two]) expect((await call(base, 'GET', '/jobs', { basic: `admin:${PASSWORD}`, from })).status).toBe(200);
    // The limit is 10 a minute (the default): 5 failures on each gateway, then the 11th is refused.
    for (let i = 0; i < 5; i++) expect401(await call(one, 'GET', '/jobs', wrong));
    for (let i = 0; i < 5; i++) expect401(await call(two, 'GET', '/jobs', wrong));
    const eleventh = await call(two, 'GET', '/jobs', wrong);
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    // Every gateway refuses the address now, even credentials it has verified and cached before.
    for (const base of [one, two]) {
      expect((await call(base, 'GET', '/jobs', { basic: `admin:${PASSWORD}`, from })).status).toBe(429);
    }
    expect((await call(one, 'GET', '/jobs', { basic: `admin:${PASSWORD}`, from: freshAddress() })).status).toBe(200);
  });
});
