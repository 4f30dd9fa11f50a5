import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEnv } from '../../../test/support/password';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { cli } from './cli-harness';

const PASSWORD = 'correct horse';

describe('jobserver CLI with auth on', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jobserver-cli-auth-'));

  beforeAll(async () => {
    server = await startTestServer(authEnv(PASSWORD, { admin: ['*'] }));
    admin = { JOBSERVER_URL: server.url, JOBSERVER_USER: 'admin', JOBSERVER_PASSWORD: PASSWORD };
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('sends JOBSERVER_USER and JOBSERVER_PASSWORD as Basic credentials', async () => {
    expect(await cli(['contexts', 'ls', '--json'], { env: admin })).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('says the credentials were refused (exit 2), or that the server needs some', async () => {
    const wrong = await cli(['apps'], { env: { ...admin, JOBSERVER_PASSWORD: 'nope' } });
    expect(wrong).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `jobserver: the jobserver at ${server.url} refused the credentials (user admin from JOBSERVER_USER): wrong or revoked\n`,
    });
    const none = await cli(['apps'], { env: { JOBSERVER_URL: server.url } });
    expect(none).toMatchObject({
      code: 2,
      stderr: `jobserver: the jobserver at ${server.url} needs credentials: set JOBSERVER_TOKEN, or JOBSERVER_USER and JOBSERVER_PASSWORD, or use a profile\n`,
    });
    expect(await cli(['apps'], { env: { JOBSERVER_URL: server.url, JOBSERVER_USER: 'admin' } })).toMatchObject({
      code: 2,
      stderr: 'jobserver: JOBSERVER_USER is set without JOBSERVER_PASSWORD\n',
    });
  });

  it('creates an API key that works as JOBSERVER_TOKEN and in a profile, lists it, and revokes it', async () => {
    const created = await cli(['keys', 'create', 'ci', '--permissions', 'jobs:read,contexts:read', '--expires', '1d'], { env: admin });
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^jsk_\S+$/);
    expect(created.stderr).toMatch(/^API key \S+ \(ci: jobs:read, contexts:read, expires \d{4}-.*\); the secret above is shown only now\n$/);
    const listed = JSON.parse((await cli(['keys', 'ls', '--json'], { env: admin })).stdout) as Array<{ id: string; name: string }>;
    expect(listed.map((key) => key.name)).toEqual(['ci']);
    expect((await cli(['keys', 'ls'], { env: admin })).stdout).toMatch(/^ID\s+NAME\s+PERMISSIONS\s+OWNER\s+CREATED\s+STATE\n\S+\s+ci\s+jobs:read,contexts:read\s+admin\s/);

    expect(await cli(['jobs', 'ls', '--json'], { env: { JOBSERVER_URL: server.url, JOBSERVER_TOKEN: token } })).toMatchObject({ code: 0, stdout: '[]\n' });
    const profiles = path.join(tmp, 'profiles.conf');
    writeFileSync(profiles, `profiles {\n  ci { url = "${server.url}", token = "${token}" }\n  admin { url = "${server.url}", user = admin, password = "${PASSWORD}" }\n}\n`);
    expect(await cli(['contexts', 'ls', '--json', '--profiles', profiles, '--profile', 'ci'])).toMatchObject({ code: 0 });
    expect(await cli(['apps', '--json', '--profiles', profiles, '--profile', 'ci'])).toMatchObject({
      code: 1,
      stderr: 'jobserver: permission binaries:read required\n',
    });

    expect(await cli(['keys', 'rm', listed[0].id], { env: { JOBSERVER_PROFILES: profiles, JOBSERVER_PROFILE: 'admin' } })).toMatchObject({
      code: 0,
      stdout: `✔ API key ${listed[0].id} revoked\n`,
    });
    const revoked = await cli(['jobs', 'ls'], { env: { JOBSERVER_URL: server.url, JOBSERVER_TOKEN: token } });
    expect(revoked).toMatchObject({
      code: 2,
      stderr: `jobserver: the jobserver at ${server.url} refused the credentials (the API key from JOBSERVER_TOKEN): wrong or revoked\n`,
    });
  });
});
