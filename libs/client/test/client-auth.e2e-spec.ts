import { JobserverClient, JobserverError } from '@jobserver/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEnv } from '../../../test/support/password';
import { startTestServer, type TestServer } from '../../../test/support/server';

const PASSWORD = 'correct horse';

describe('@jobserver/client with auth on', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(authEnv(PASSWORD, { admin: ['*'], reader: ['jobs:read'] }));
  });
  afterAll(async () => server?.stop());

  it('sends Basic credentials, and says 401 for wrong ones and 403 for a missing permission', async () => {
    const admin = new JobserverClient({ url: server.url, auth: { user: 'admin', password: PASSWORD } });
    expect(await admin.contexts.list()).toEqual([]);
    const wrong = new JobserverClient({ url: server.url, auth: { user: 'admin', password: 'nope' } });
    const refused = (await wrong.contexts.list().catch((e: unknown) => e)) as JobserverError;
    expect(refused).toBeInstanceOf(JobserverError);
    expect(refused.unauthorized).toBe(true);
    expect(refused.result).toBe('authentication required');
    const reader = new JobserverClient({ url: server.url, auth: { user: 'reader', password: PASSWORD } });
    await expect(reader.contexts.list()).rejects.toMatchObject({ status: 403, result: 'permission contexts:read required' });
  });

  it('creates an API key whose token works as Bearer credentials until it is revoked', async () => {
    const admin = new JobserverClient({ url: server.url, auth: { user: 'admin', password: PASSWORD } });
    const key = await admin.keys.create({ name: 'ci', permissions: ['jobs:read', 'contexts:read'], expires: '1d' });
    expect(key.key).toMatch(/^jsk_/);
    expect((await admin.keys.list()).map((k) => k.name)).toEqual(['ci']);
    const ci = new JobserverClient({ url: server.url, auth: { token: key.key } });
    expect(await ci.jobs.list()).toEqual([]);
    await admin.keys.revoke(key.id);
    await expect(ci.jobs.list()).rejects.toMatchObject({ status: 401 });
  });

  it('answers health without credentials', async () => {
    expect(await new JobserverClient({ url: server.url }).server.health()).toMatchObject({ ok: true });
  });
});
