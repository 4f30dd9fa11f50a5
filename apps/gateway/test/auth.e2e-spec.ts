import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';
import {
  call,
  expect401,
  expect403,
  freshAddress,
  passwordHash,
  rawCall,
  type AuthReply,
} from './auth-http';

/** Every permission name of API.md; a user of the same name (`:` → `.`, `*` → `all`) holds just it. */
const PERMISSIONS = [
  '*',
  'binaries',
  'binaries:read',
  'binaries:upload',
  'binaries:delete',
  'contexts',
  'contexts:read',
  'contexts:start',
  'contexts:delete',
  'contexts:reset',
  'contexts:exec',
  'data',
  'data:read',
  'data:upload',
  'data:delete',
  'data:reset',
  'jobs',
  'jobs:read',
  'jobs:start',
  'jobs:delete',
  'metrics:read',
  'auth:admin',
];
const userOf = (permission: string) => (permission === '*' ? 'all' : permission.replace(':', '.'));
const PASSWORD = 'correct horse';
const MAX_FAILURES = 5;
const grants = (held: string, needed: string) =>
  held === '*' || held === needed || needed.startsWith(`${held}:`);

interface Operation {
  method: string;
  path: string;
  permission?: string;
  public?: boolean;
  /** Open to every authenticated principal, whatever it holds (`GET /auth/me`). */
  authenticated?: boolean;
}

describe('authentication and permissions (auth on)', () => {
  let server: TestServer;
  let operations: Operation[];
  // Accept JSON: a principal let into GET /events gets its 406 instead of a stream that never ends.
  const as = (user: string, method: string, path: string, from?: string) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, from, headers: ['accept', 'application/json'] });

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users: Record<string, object> = { nobody: { 'password-hash': hash, permissions: [] } };
    for (const permission of PERMISSIONS)
      users[userOf(permission)] = { 'password-hash': hash, permissions: [permission] };
    server = await startTestServer({
      JOBSERVER_AUTH: JSON.stringify({ enabled: true, users, 'max-failures': MAX_FAILURES }),
    });
    const docs = await call(server.url, 'GET', '/api-docs/json');
    expect(docs.status).toBe(200);
    operations = Object.entries(
      docs.body.paths as Record<string, Record<string, Record<string, unknown>>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        // Every path parameter gets a value that no route accepts as a name, so nothing is created.
        path: path.replace(/\{[^}]+\}/g, '-bad'),
        permission: op['x-permission'] as string | undefined,
        public: op['x-public'] as boolean | undefined,
        authenticated: op['x-authenticated'] as boolean | undefined,
      })),
    );
  });
  afterAll(async () => server?.stop());

  it('declares a known permission, or that it is open, on every operation of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(13);
    for (const op of operations) {
      const declared =
        op.public === true || op.authenticated === true || PERMISSIONS.includes(op.permission ?? '');
      expect(declared, `${op.method} ${op.path} declares x-permission, x-authenticated or x-public`).toBe(true);
    }
    expect(operations.filter((op) => op.public).map((op) => `${op.method} ${op.path}`)).toEqual([
      'GET /healthz',
    ]);
    expect(operations.filter((op) => op.authenticated).map((op) => `${op.method} ${op.path}`)).toEqual([
      'GET /auth/me',
    ]);
  });

  it('answers /healthz and /api-docs without credentials', async () => {
    expect((await call(server.url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(server.url, 'GET', '/api-docs/json')).status).toBe(200);
  });

  it('asks every route but the open ones for credentials (401), refuses principals that lack its permission (403) and lets its holders and their parents in', async () => {
    for (const op of operations.filter((o) => !o.public)) {
      const name = `${op.method} ${op.path}`;
      expect401(await call(server.url, op.method, op.path, { from: freshAddress() }));
      if (op.authenticated) {
        expect((await as('nobody', op.method, op.path)).status, name).toBe(200);
        continue;
      }
      expect403(await as('nobody', op.method, op.path), op.permission!);
      for (const held of PERMISSIONS) {
        const reply: AuthReply = await as(userOf(held), op.method, op.path);
        if (grants(held, op.permission!)) {
          expect([401, 403], `${name} as ${held}: ${JSON.stringify(reply.body)}`).not.toContain(
            reply.status,
          );
          expect(reply.status, `${name} as ${held}`).toBeLessThan(500);
        } else {
          expect403(reply, op.permission!);
        }
      }
    }
  });

  it('tells each principal who it is and what it holds and is granted on GET /auth/me', async () => {
    expect((await as('jobs', 'GET', '/auth/me')).body).toEqual({
      auth: true,
      name: 'jobs',
      permissions: ['jobs'],
      granted: ['jobs', 'jobs:read', 'jobs:start', 'jobs:delete'],
    });
    expect((await as('nobody', 'GET', '/auth/me')).body).toEqual({ auth: true, name: 'nobody', permissions: [], granted: [] });
    expect((await as('all', 'GET', '/auth/me')).body.granted).toEqual(PERMISSIONS);
    const created = await call(server.url, 'POST', '/auth/keys', {
      basic: `all:${PASSWORD}`,
      body: JSON.stringify({ name: 'ui', permissions: ['contexts:read'] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const byKey = await call(server.url, 'GET', '/auth/me', { bearer: created.body.result.key });
    expect(byKey.body).toEqual({ auth: true, name: 'all', permissions: ['contexts:read'], granted: ['contexts:read'] });
    expect401(await call(server.url, 'GET', '/auth/me', { basic: 'jobs:wrong', from: freshAddress() }));
    expect401(await call(server.url, 'GET', '/auth/me', { bearer: 'js_not-a-key', from: freshAddress() }));
  });

  it('refuses malformed Authorization headers with 401, never 500', async () => {
    const malformed = [
      'dXNlcjpwYXNz', // no scheme
      'Basic', // scheme alone
      'Basic ', // empty credentials
      'Basic !!!not-base64!!!',
      'Basic dXNlcjpwYXNz=x',
      `Basic ${Buffer.from('all').toString('base64')}`, // no colon
      `Basic ${Buffer.from(`:${PASSWORD}`).toString('base64')}`, // empty user
      `Basic ${'A'.repeat(10 * 1024)}`, // 10 KB
      `Basic ${Buffer.from(`all:${PASSWORD}`).toString('base64')} extra`,
      'Digest username="all"',
      'Bearer',
      'Bearer not-a-key',
      'Negotiate abc',
      `basic ${Buffer.from('all:wrong').toString('base64')}`,
    ];
    for (const header of malformed) {
      const reply = await call(server.url, 'GET', '/jobs', {
        headers: ['authorization', header],
        from: freshAddress(),
      });
      expect401(reply);
    }
  });

  it('refuses UTF-8 credentials that are not a user, and several Authorization headers, with 401', async () => {
    const good = `Basic ${Buffer.from(`all:${PASSWORD}`).toString('base64')}`;
    const unicode = Buffer.concat([
      Buffer.from('GET /jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic '),
      Buffer.from('ünïcødé ☃', 'utf8'),
      Buffer.from('\r\n\r\n'),
    ]);
    expect401(await rawCall(server.url, unicode, freshAddress()));
    const utf8User = `Basic ${Buffer.from(`ünï☃:${PASSWORD}`, 'utf8').toString('base64')}`;
    expect401(
      await call(server.url, 'GET', '/jobs', {
        headers: ['authorization', utf8User],
        from: freshAddress(),
      }),
    );
    const several = Buffer.from(
      `GET /jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: ${good}\r\nAuthorization: Basic Zm9vOmJhcg==\r\n\r\n`,
    );
    expect401(await rawCall(server.url, several, freshAddress()));
    // The same credentials alone are fine.
    expect(
      (await call(server.url, 'GET', '/jobs', { headers: ['authorization', good] })).status,
    ).toBe(200);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect401(await call(server.url, 'GET', '/jobs', { basic: 'all:wrong', from: freshAddress() }));
    expect401(
      await call(server.url, 'GET', '/jobs', {
        basic: `nosuchuser:${PASSWORD}`,
        from: freshAddress(),
      }),
    );
  });

  it(`answers 429 with Retry-After past ${MAX_FAILURES} failures a minute from one address, even to good credentials; other addresses go on`, async () => {
    const from = freshAddress();
    for (let i = 0; i < MAX_FAILURES; i++)
      expect401(await call(server.url, 'GET', '/jobs', { basic: 'all:wrong', from }));
    for (const options of [
      { basic: 'all:wrong', from },
      { basic: `all:${PASSWORD}`, from },
    ]) {
      const reply = await call(server.url, 'GET', '/jobs', options);
      expect(reply.status).toBe(429);
      expect(reply.body.status).toBe('ERROR');
      expect(reply.body.result).toMatch(/too many failed authentications/);
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await as('all', 'GET', '/jobs', freshAddress())).status).toBe(200);
  });

  it('runs the seed walk-through with Basic credentials', async () => {
    const bundle = readFileSync(EXAMPLE_BUNDLE);
    const upload = await call(server.url, 'POST', '/binaries/test', {
      basic: `all:${PASSWORD}`,
      body: bundle,
    });
    expect(upload.status).toBe(201);
    const job = await call(
      server.url,
      'POST',
      '/jobs?appName=test&classPath=spark.jobserver.WordCountExample&sync=true',
      {
        basic: `jobs.start:${PASSWORD}`,
        body: 'input.string = a b c a b see',
      },
    );
    expect(job.status).toBe(200);
    expect(job.body.result).toEqual({ a: 2, b: 2, c: 1, see: 1 });
    expect((await as('jobs.read', 'GET', `/jobs/${job.body.jobId}`)).body.status).toBe('OK');
  });

  it('refuses to start with permissions that do not exist or a bad hash, naming them', () => {
    const users = {
      eve: { 'password-hash': passwordHash(PASSWORD), permissions: ['jobs', 'jobz', 'root'] },
      mallory: { 'password-hash': 'hunter2', permissions: [] },
    };
    const gateway = path.resolve(__dirname, '../dist/main.js');
    const env = { ...process.env, JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) };
    const run = spawnSync(process.execPath, [gateway], { env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/auth\.users\.eve\.permissions: unknown permission jobz, root/);
    expect(run.stderr).toMatch(/auth\.users\.mallory\.password-hash must be scrypt/);
  });
});
