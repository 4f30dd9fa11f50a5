import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_MAIN, freePort, killChild, spawnApp, waitForHealth } from './support/processes';
import { sentinelInstalled, startSentinelSet, type SentinelSet } from './support/sentinel';
import { eventually } from './support/server';
import { testDatabase, testRedis } from './support/services';

describe.skipIf(!sentinelInstalled())('Sentinel addresses that do not answer', () => {
  let sentinelPorts: number[];
  let env: NodeJS.ProcessEnv;
  let url: string;
  let logDir: string;
  let drop: () => Promise<void>;
  const children: ChildProcess[] = [];
  let set: SentinelSet | undefined;
  const log = (app: string) => readFileSync(path.join(logDir, `${app}.log`), 'utf8');

  beforeAll(async () => {
    const [db, redis, port] = await Promise.all([testDatabase(), testRedis(), freePort()]);
    drop = db.drop;
    sentinelPorts = [await freePort(), await freePort(), await freePort()];
    logDir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-unreachable-'));
    url = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      JOBSERVER_PREFIX: redis.prefix,
      JOBSERVER_HOST: '127.0.0.1',
      JOBSERVER_SPARE_WORKERS: '0',
      JOBSERVER_BUNDLE_CACHE_DIR: path.join(logDir, 'bundle-cache'),
      JOBSERVER_REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      JOBSERVER_REDIS_SENTINEL_NAME: 'mymaster',
    };
    children.push(spawnApp('gateway', env, path.join(logDir, 'gateway.log')));
    children.push(spawnApp('scheduler', env, path.join(logDir, 'scheduler.log')));
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => killChild(child)));
    await set?.stop();
    await drop?.();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('keeps the processes up and unhealthy, naming each address, and recovers once the sentinels answer', async () => {
    const [gateway, scheduler] = children as [ChildProcess, ChildProcess];
    // The gateway listens and says Redis is down; submits get 503 with Retry-After.
    const health = await eventually(async () => {
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      return res ? { status: res.status, body: await res.json() } : undefined;
    }, 30_000);
    expect(health).toEqual({ status: 503, body: { status: 'ERROR', result: 'Redis unreachable' } });
    const submit = await fetch(`${url}/jobs?appName=a&classPath=b`, { method: 'POST', body: '' });
    expect(submit.status).toBe(503);
    expect(submit.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await submit.json()).toEqual({
      status: 'ERROR',
      result: 'Redis unreachable, retry later',
    });
    // Each process says which sentinels it tried, and keeps trying.
    for (const app of ['gateway', 'scheduler']) {
      await eventually(async () =>
        sentinelPorts.every((p) =>
          log(app).includes(`Redis sentinel 127.0.0.1:${p} does not answer`),
        )
          ? true
          : undefined,
      );
      expect(log(app)).toContain('no Redis sentinel answers; retrying');
    }
    // The scheduler's container health check fails and says why.
    const check = spawnSync(
      process.execPath,
      [path.join(path.dirname(APP_MAIN.scheduler), 'health.js')],
      { env, encoding: 'utf8' },
    );
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('Redis unreachable');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect([gateway.exitCode, scheduler.exitCode]).toEqual([null, null]);

    // The sentinels come up at those addresses: both processes get to work without a restart.
    set = await startSentinelSet(sentinelPorts);
    await waitForHealth(url, gateway);
    await eventually(
      async () => (log('scheduler').includes('running (launcher') ? true : undefined),
      30_000,
    );
    expect([gateway.exitCode, scheduler.exitCode]).toEqual([null, null]);
  }, 90_000);
});
