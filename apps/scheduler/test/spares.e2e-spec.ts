import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';

interface Process {
  role: string;
  pid: number;
  contexts: string[];
}

/** The local launcher's warm spares (`spare-workers`): booted context workers that contexts take. */
describe('spare context workers', () => {
  let server: TestServer;
  let api: JobserverClient;

  /** Pids of the booted context workers that host no context (the spares). */
  const spares = async () => {
    const reply = await api.get('/status');
    expect(reply.status).toBe(200);
    return (reply.body.processes as Process[]).filter((p) => p.role === 'context-worker' && p.contexts.length === 0).map((p) => p.pid);
  };
  const oneSpare = (not: number[] = []) =>
    eventually(async () => {
      const pids = (await spares()).filter((pid) => !not.includes(pid));
      return pids.length === 1 ? pids[0] : undefined;
    }, 30_000);
  const pidOf = async (context: string) =>
    (await server.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = $1 AND state = 'RUNNING'`, [context]))[0]?.pid;
  const run = (classPath: string, context: string) =>
    api.post(`/jobs?appName=test&classPath=${classPath}&context=${context}&sync=true`, '');

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_SPARE_WORKERS: '1' });
    api = new JobserverClient(server.url);
    await api.upload('test', EXAMPLE_BUNDLE);
  });
  afterAll(async () => server?.stop());

  it('keeps a spare booted; a context takes it, and a new spare boots behind it', async () => {
    const first = await oneSpare();
    expect((await api.post('/contexts/a')).status).toBe(200);
    expect(await pidOf('a')).toBe(first);
    const second = await oneSpare([first]);
    expect(second).not.toBe(first);
    expect((await run('SettingsExample', 'a')).body.result.context).toBe('a');
  });

  it('replaces a spare that dies', async () => {
    const spare = await oneSpare([(await pidOf('a'))!]);
    process.kill(spare, 'SIGKILL');
    const next = await oneSpare([spare, (await pidOf('a'))!]);
    expect(next).not.toBe(spare);
  });

  it('hosts one context a process: a second context takes another, and a stopped context ends its process', async () => {
    const a = (await pidOf('a'))!;
    expect((await api.post('/contexts/b')).status).toBe(200);
    const b = (await pidOf('b'))!;
    expect(b).not.toBe(a);
    expect((await api.delete('/contexts/a')).status).toBe(200);
    await eventually(async () => (processGone(a) ? true : undefined));
    expect(await spares()).not.toContain(a);
  });

  it('applies settings a spare was not started with: a heap cap of its own, and num-cpu-cores in a fresh process', async () => {
    expect((await api.post('/contexts/capped?mem-per-node=64m')).status).toBe(200);
    const hog = await run('MemoryHogExample', 'capped');
    expect(hog.body.status).toBe('ERROR');
    expect(hog.body.result.message).toMatch(/mem-per-node=64m/);
    const spare = await oneSpare([(await pidOf('b'))!, (await pidOf('capped'))!]);
    expect((await api.post('/contexts/cores?num-cpu-cores=3')).status).toBe(200);
    expect(await pidOf('cores')).not.toBe(spare);
    expect((await run('SettingsExample', 'cores')).body.result.threadPoolSize).toBe('3');
  });
});
