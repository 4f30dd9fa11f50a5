import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expect401, expect403, freshAddress, passwordHash, rawCall } from '../apps/gateway/test/auth-http';
import { JobserverClient } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';
import { eventually, startTestServer, type TestServer } from './support/server';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `/data` end to end: the routes, and a job on a pool worker reading a file by ctx.data. */
describe('data files on a pool cluster', () => {
  let cluster: TestCluster;
  let api: JobserverClient;
  const upload = (prefix: string, body: Buffer | string) =>
    call(cluster.gateways[0].url, 'POST', `/data/${prefix}`, { body });

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 1, schedulers: 1, workers: 1 }, { JOBSERVER_UPLOAD_LIMIT: '1m' });
    api = new JobserverClient(cluster.gateways[0].url);
    await api.upload('demo');
  });
  afterAll(async () => cluster?.stop());

  it('uploads, lists, serves a file to ctx.data.read and ctx.data.path on a pool worker, deletes it', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const up = await upload('input', bytes);
    expect(up.status).toBe(200);
    const filename: string = up.body.result.filename;
    expect(filename).toMatch(/^input-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.dat$/);
    expect((await api.get('/data')).body).toEqual([filename]);

    expect((await api.post('/contexts/reader')).status).toBe(200);
    const job = await api.submit({ appName: 'demo', classPath: 'DataDigestExample', context: 'reader', sync: true, timeout: 60 }, `filename = "${filename}"`);
    expect(job.body).toMatchObject({
      status: 'OK',
      result: { length: bytes.length, sha256: sha256(bytes), pathLength: bytes.length, pathSha256: sha256(bytes) },
    });

    expect((await api.delete(`/data/${filename}`)).body).toEqual({ status: 'SUCCESS' });
    expect(await api.delete(`/data/${filename}`)).toMatchObject({ status: 404, body: { status: 'ERROR', result: `data file ${filename} not found` } });
    const gone = await api.submit({ appName: 'demo', classPath: 'DataDigestExample', context: 'reader', sync: true, timeout: 60 }, `filename = "${filename}"`);
    expect(gone.body).toMatchObject({ status: 'ERROR', result: { message: `data file ${filename} not found` } });
  }, 120_000);

  it('names two uploads of one prefix apart, and reset deletes every file', async () => {
    const names = await Promise.all(Array.from({ length: 6 }, (_, i) => upload('same', `file ${i}`)));
    const filenames = names.map((r) => r.body.result.filename as string);
    expect(new Set(filenames).size).toBe(6);
    expect((await api.get<string[]>('/data')).body.sort()).toEqual([...filenames].sort());
    expect((await api.request('PUT', '/data?reset=reboot')).body).toEqual({ status: 'SUCCESS', result: 'Data reset' });
    expect((await api.get('/data')).body).toEqual([]);
    expect((await api.request('PUT', '/data?reset=nope')).status).toBe(400);
  });

  it('refuses bad prefixes, empty bodies and uploads over the limit with a 4xx, storing nothing', async () => {
    const bad: Array<[string, RegExp]> = [
      ['a/b', /letters, digits and \._-/],
      ['a%00b', /letters, digits and \._-/],
      ['x'.repeat(1000), /at most 100 characters/],
      [encodeURIComponent('données'), /letters, digits and \._-/],
    ];
    for (const [prefix, message] of bad) {
      const reply = await upload(prefix, 'bytes');
      expect({ prefix, status: reply.status, error: reply.body.status }).toEqual({ prefix, status: 400, error: 'ERROR' });
      expect(reply.body.result).toMatch(message);
    }
    // `..` sent raw: URL parsers resolve it away before it leaves the client.
    const head = Buffer.from('POST /data/.. HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbytes');
    expect(await rawCall(cluster.gateways[0].url, head)).toMatchObject({ status: 400, body: { result: expect.stringMatching(/start with a letter or digit/) } });
    expect(await upload('empty', '')).toMatchObject({ status: 400, body: { result: expect.stringMatching(/empty/) } });
    expect(await upload('big', Buffer.alloc(2 * 1024 * 1024, 1))).toMatchObject({ status: 413, body: { status: 'ERROR' } });
    expect((await api.get('/data')).body).toEqual([]);
    expect(await cluster.query('SELECT 1 FROM data_chunks')).toEqual([]);
  });
});

describe('data files with auth on, and Postgres down', () => {
  const PASSWORD = 'data-secret';
  let server: TestServer;
  let postgres: TcpProxy;
  const as = (user: string, method: string, path: string, body?: string) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, from: freshAddress(), body });

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      loader: { 'password-hash': hash, permissions: ['data'] },
      reader: { 'password-hash': hash, permissions: ['data:read'] },
    };
    postgres = await startTcpProxy(5432);
    server = await startTestServer(
      { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) },
      { postgresPort: postgres.port },
    );
  });
  afterAll(async () => {
    await postgres?.restore().catch(() => undefined);
    await server?.stop();
    await postgres?.close();
  });

  it('answers 401 without credentials, 403 without the data permission, 200 with it', async () => {
    expect401(await call(server.url, 'GET', '/data', { from: freshAddress() }));
    expect403(await as('reader', 'POST', '/data/x', 'bytes'), 'data:upload');
    expect403(await as('reader', 'PUT', '/data?reset=reboot'), 'data:reset');
    const up = await as('loader', 'POST', '/data/x', 'bytes');
    expect(up.status).toBe(200);
    expect((await as('reader', 'GET', '/data')).body).toEqual([up.body.result.filename]);
  });

  it('answers 503 while Postgres is unreachable, and stores nothing half', async () => {
    await postgres.cut();
    try {
      const down = await eventually(async () => {
        const reply = await as('loader', 'GET', '/data');
        return reply.status === 503 ? reply : undefined;
      });
      expect(down.body).toEqual({ status: 'ERROR', result: 'Postgres unreachable, retry later' });
      expect((await as('loader', 'POST', '/data/during', 'bytes')).status).toBe(503);
    } finally {
      await postgres.restore();
    }
    const back = await eventually(async () => {
      const reply = await as('loader', 'GET', '/data');
      return reply.status === 200 ? reply : undefined;
    });
    expect((back.body as string[]).some((name) => name.startsWith('during-'))).toBe(false);
  }, 60_000);
});
