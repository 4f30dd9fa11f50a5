import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { spawnApp } from '../../../test/support/processes';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const CONFIGURED = { alpha: { 'num-cpu-cores': '1' }, beta: {} };

interface Row {
  id: string;
  pid: number;
  state: string;
  error: { message: string } | null;
}

describe('configured contexts (contexts { … } in the server config) and PUT /contexts?reset=reboot', () => {
  let server: TestServer;
  let api: JobserverClient;

  const rows = (name: string) =>
    server.query<Row>('SELECT id, pid, state, error FROM contexts WHERE name = $1 ORDER BY start_time DESC', [name]);
  /** The RUNNING record of that name once there is one other than `notId`. */
  const running = (name: string, notId?: string) =>
    eventually(async () => {
      const live = (await rows(name)).filter((r) => ['STARTED', 'RUNNING', 'RESTARTING', 'STOPPING'].includes(r.state));
      const [row] = live;
      return live.length === 1 && row.state === 'RUNNING' && row.pid && row.id !== notId ? row : undefined;
    }, 60_000);
  const killWorker = (row: Row) => process.kill(row.pid, 'SIGKILL');

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_CONTEXTS: JSON.stringify(CONFIGURED), JOBSERVER_HEARTBEAT_TIMEOUT: '3s' });
    api = new JobserverClient(server.url);
  });
  afterAll(async () => server?.stop());

  it('creates every configured context at start, with its settings', async () => {
    await running('alpha');
    await running('beta');
    expect((await api.contextNames()).sort()).toEqual(['alpha', 'beta']);
    expect((await api.get('/contexts/alpha')).body).toMatchObject({ state: 'RUNNING', settings: { 'num-cpu-cores': 1 } });
  });

  it('keeps them, once each, across a restart of gateway and scheduler', async () => {
    const before = await running('alpha');
    await server.kill('gateway');
    await server.kill('scheduler');
    await server.start('scheduler');
    await server.start('gateway');
    const after = await running('alpha');
    await running('beta');
    expect(after.id).toBe(before.id);
    expect((await api.contextNames()).sort()).toEqual(['alpha', 'beta']);
  });

  it('recreates a configured context whose worker is killed -9', async () => {
    const before = await running('alpha');
    killWorker(before);
    const after = await running('alpha', before.id);
    expect(after.pid).not.toBe(before.pid);
    expect((await rows('alpha')).find((r) => r.id === before.id)?.state).toBe('ERROR');
  });

  it('leaves a context that died 5 times within a minute ERROR, saying why', async () => {
    let last: Row | undefined;
    for (let death = 1; death <= 5; death++) {
      last = await running('beta', last?.id);
      killWorker(last);
    }
    const why = await eventually(async () => {
      const [newest] = await rows('beta');
      return newest.id === last!.id && newest.error?.message.includes('died 5 times') ? newest : undefined;
    });
    expect(why.state).toBe('ERROR');
    expect(why.error?.message).toMatch(/configured context beta died 5 times within a minute; not recreated \(last: .+\)$/);
    expect(await api.contextNames()).not.toContain('beta');
  });

  it('reset=reboot stops every context and starts the configured ones again', async () => {
    expect((await api.post('/contexts/extra')).status).toBe(200);
    const alpha = await running('alpha');
    const res = await api.request('PUT', '/contexts?reset=reboot');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'SUCCESS', result: 'Context reset' });
    expect((await api.contextNames()).sort()).toEqual(['alpha', 'beta']);
    expect((await running('alpha')).id).not.toBe(alpha.id);
    expect((await rows('alpha')).find((r) => r.id === alpha.id)?.state).toBe('FINISHED');
    expect((await rows('extra'))[0].state).toBe('FINISHED');
  });

  it('refuses another reset value with 400', async () => {
    const res = await api.request('PUT', '/contexts?reset=now');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 'ERROR', result: 'reset must be reboot' });
  });

  it('refuses to start with invalid contexts settings, listing every problem', async () => {
    const contexts = { bad: { 'num-cpu-cores': 0, 'mem-per-node': 'lots' }, '9lives': {} };
    const log = path.join(server.logDir, 'bad-scheduler.log');
    const child = spawnApp('scheduler', { ...process.env, DATABASE_URL: server.databaseUrl, REDIS_URL: server.redisUrl, JOBSERVER_PREFIX: server.prefix, JOBSERVER_CONTEXTS: JSON.stringify(contexts) }, log);
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('contexts.bad: num-cpu-cores must be an integer between 1 and 1024, got 0');
    expect(text).toContain('contexts.bad: mem-per-node must be a size');
    expect(text).toContain('contexts.9lives: a context name starts with a letter');
  });
});
