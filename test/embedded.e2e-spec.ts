import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { deleteKeys } from './support/processes';
import { eventually } from './support/server';

const ROOT = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `npm start`'s own launcher with no DATABASE_URL: PGlite behind pglite-socket. */
describe('npm start on the embedded Postgres', () => {
  let start: ChildProcess;
  let api: JobserverClient;
  let dataDir: string;
  let prefix: string;

  beforeAll(async () => {
    const [port, pgPort] = await Promise.all([freePort(), freePort()]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-embedded-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      JOBSERVER_HOST: '127.0.0.1',
      JOBSERVER_PREFIX: (prefix = `test-embedded-${port}`),
      JOBSERVER_EMBEDDED_PG_PORT: String(pgPort),
      JOBSERVER_EMBEDDED_PG_DIR: path.join(dataDir, 'pglite'),
      JOBSERVER_BUNDLE_CACHE_DIR: path.join(dataDir, 'bundles'),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    start = spawn(process.execPath, [path.join(ROOT, 'scripts/start.js')], { env, stdio: 'ignore', detached: true });
    api = new JobserverClient(`http://127.0.0.1:${port}`);
    await eventually(async () => ((await api.get('/healthz').catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
    await api.upload('test');
  });

  afterAll(async () => {
    if (start?.pid) {
      const exited = new Promise((resolve) => start.once('exit', resolve));
      process.kill(-start.pid, 'SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    // Its processes used the default Redis (npm start's) under a prefix of their own.
    await deleteKeys(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix);
  });

  it('serves the walk-through, with contexts created and ad-hoc jobs run at the same time', async () => {
    const created = await Promise.all(['e1', 'e2', 'e3'].map((name) => api.post(`/contexts/${name}?num-cpu-cores=2`)));
    expect(created.map((r) => r.status)).toEqual([200, 200, 200]);
    const adHoc = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.submit({ appName: 'test', classPath: 'spark.jobserver.WordCountExample', sync: true }, `input.string = a b ${i}`),
      ),
    );
    expect(adHoc.map((r) => r.body.status)).toEqual(Array(6).fill('OK'));
    const sync = await Promise.all(
      ['e1', 'e2', 'e3'].map((context) =>
        api.submit({ appName: 'test', classPath: 'spark.jobserver.WordCountExample', context, sync: true }, 'input.string = a b c a b see'),
      ),
    );
    expect(sync.map((r) => r.body.result)).toEqual(Array(3).fill({ a: 2, b: 2, c: 1, see: 1 }));
    const invalid = await api.submit({ appName: 'test', classPath: 'spark.jobserver.WordCountExample' }, 'bad.input=abc');
    expect(invalid.status).toBe(400);
  });

  it('stores a context snapshot (bytea rows) and restores it into a new context', async () => {
    expect((await api.post('/contexts/snap1')).status).toBe(200);
    const made = await api.submit({ appName: 'test', classPath: 'NamedObjectsExample', context: 'snap1', sync: true }, 'name = numbers');
    const snapshot = await api.post('/contexts/snap1/snapshots');
    expect(snapshot.status).toBe(201);
    expect((await api.post(`/contexts/snap2?snapshot=${(snapshot.body as { id: string }).id}`)).status).toBe(200);
    const read = await api.submit({ appName: 'test', classPath: 'NamedObjectsExample', context: 'snap2', sync: true }, 'name = numbers');
    expect((read.body as { result: { createdBy: string } }).result.createdBy).toBe((made.body as { result: { createdBy: string } }).result.createdBy);
  });
});
