import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';
import { SseClient } from '../../../test/support/sse';
import { call, passwordHash } from './auth-http';

const PASSWORD = 'correct horse';
const SYNC_JOB = `/jobs?appName=test&classPath=spark.jobserver.WordCountExample&sync=true`;

describe('job events and streams with auth.isolate-owners', () => {
  let server: TestServer;
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;
  const as = (user: string, method: string, path: string, body?: string | Buffer) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, body });
  const stream = (user: string, path: string) => SseClient.open(`${server.url}${path}`, { authorization: basic(user) });
  let aliceJob: string;

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      alice: { 'password-hash': hash, permissions: ['binaries', 'contexts', 'jobs'] },
      bob: { 'password-hash': hash, permissions: ['binaries', 'contexts', 'jobs'] },
      admin: { 'password-hash': hash, permissions: ['*'] },
      uploader: { 'password-hash': hash, permissions: ['binaries'] },
    };
    server = await startTestServer({
      JOBSERVER_AUTH: JSON.stringify({ enabled: true, users, 'isolate-owners': true }),
      JOBSERVER_EVENT_STREAM_KEEPALIVE: '200ms',
    });
    expect((await as('alice', 'POST', '/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    aliceJob = (await as('alice', 'POST', SYNC_JOB, 'input.string = a b a')).body.jobId;
    expect(aliceJob).toBeTruthy();
  });
  afterAll(async () => server?.stop());

  it("answers 404 for another principal's job events, logs and streams, and 403 without jobs:read", async () => {
    expect((await as('alice', 'GET', `/jobs/${aliceJob}/events`)).body.map((e: { type: string }) => e.type)).toEqual([
      'queued',
      'running',
      'finished',
    ]);
    expect((await as('admin', 'GET', `/jobs/${aliceJob}/logs`)).body).toEqual({ jobId: aliceJob, from: 0, total: 0, log: [] });
    const absent = { status: 'ERROR', result: `No such job ID ${aliceJob}` };
    for (const path of [`/jobs/${aliceJob}/events`, `/jobs/${aliceJob}/logs`]) {
      expect(await as('bob', 'GET', path)).toMatchObject({ status: 404, body: absent });
    }
    const bobStream = await stream('bob', `/jobs/${aliceJob}/events`);
    await bobStream.ended;
    expect([bobStream.status, JSON.parse(bobStream.text)]).toEqual([404, absent]);
    for (const path of [`/jobs/${aliceJob}/events`, '/events']) {
      const refused = await stream('uploader', path);
      await refused.ended;
      expect([refused.status, JSON.parse(refused.text)]).toEqual([403, { status: 'ERROR', result: 'permission jobs:read required' }]);
      const anonymous = await SseClient.open(`${server.url}${path}`);
      await anonymous.ended;
      expect(anonymous.status).toBe(401);
    }
  });

  it('shows each principal only its own jobs and contexts on the firehose; * sees all', async () => {
    const [alice, bob, admin] = await Promise.all(['alice', 'bob', 'admin'].map((user) => stream(user, '/events')));
    expect([alice.status, bob.status, admin.status]).toEqual([200, 200, 200]);
    const aliceRun = (await as('alice', 'POST', SYNC_JOB, 'input.string = a')).body.jobId as string;
    const bobRun = (await as('bob', 'POST', SYNC_JOB, 'input.string = b')).body.jobId as string;
    const sawEnd = (jobId: string) => (c: SseClient) => c.json().some((d) => d.jobId === jobId && d.status === 'FINISHED');
    await alice.until(sawEnd(aliceRun));
    await bob.until(sawEnd(bobRun));
    await admin.until((c) => sawEnd(aliceRun)(c) && sawEnd(bobRun)(c));
    // Events reach every stream in the order they were published: bob's end came after alice's.
    await alice.until((c) => c.comments >= 2);
    const jobsOf = (c: SseClient) => new Set(c.json().flatMap((d) => (d.jobId ? [d.jobId] : [])));
    expect([...jobsOf(alice)]).toEqual([aliceRun]);
    expect([...jobsOf(bob)]).toEqual([bobRun]);
    const contextsOf = (c: SseClient) => new Set(c.json().flatMap((d) => (d.name ? [d.name as string] : [])));
    const aliceContext = (await as('alice', 'GET', `/jobs/${aliceRun}`)).body.context as string;
    const bobContext = (await as('bob', 'GET', `/jobs/${bobRun}`)).body.context as string;
    expect([...contextsOf(alice)]).toEqual([aliceContext]);
    expect([...contextsOf(bob)]).toEqual([bobContext]);
    expect([...contextsOf(admin)]).toContain(aliceContext);
    for (const client of [alice, bob, admin]) client.close();
  });
});
