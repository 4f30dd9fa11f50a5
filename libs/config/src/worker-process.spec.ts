import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidServerConfig, loadServerConfig, settingsAsEnv } from './load-config';
import { resolveWorkerUser, workerProcessEnv } from './worker-process';

describe('job-env', () => {
  it('reads a comma-separated env variable or a config-file array, default none', async () => {
    expect((await loadServerConfig({})).jobEnv).toEqual([]);
    expect((await loadServerConfig({ JOBSERVER_JOB_ENV: 'A_B, TZ' })).jobEnv).toEqual(['A_B', 'TZ']);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'jobserver-config-')), 'server.conf');
    writeFileSync(file, 'jobserver { job-env = [HTTP_PROXY, LANG] }');
    expect((await loadServerConfig({ JOBSERVER_CONFIG: file })).jobEnv).toEqual(['HTTP_PROXY', 'LANG']);
  });

  it("refuses the server's secrets by name", async () => {
    const loading = loadServerConfig({ JOBSERVER_JOB_ENV: 'OK_ONE,DATABASE_URL,REDIS_URL,JOBSERVER_PREFIX' });
    await expect(loading).rejects.toBeInstanceOf(InvalidServerConfig);
    await expect(loading).rejects.toThrow("job-env may not name the server's secrets: DATABASE_URL, REDIS_URL, JOBSERVER_PREFIX");
  });
});

describe('handing a worker its config', () => {
  it("leaves out the users' password hashes: a worker needs only whether owners are isolated", async () => {
    const hash = `scrypt:${'ab'.repeat(16)}:${'cd'.repeat(64)}`;
    const auth = { enabled: true, 'isolate-owners': true, users: { alice: { 'password-hash': hash, permissions: ['*'] } } };
    const settings = await settingsAsEnv({ JOBSERVER_AUTH: JSON.stringify(auth) });
    expect(JSON.stringify(settings)).not.toContain('cdcd');
    expect(JSON.stringify(settings)).not.toContain('alice');
    const handed = await loadServerConfig(settings);
    expect(handed.auth).toEqual({ enabled: true, users: {}, isolateOwners: true, maxFailures: 10 });
  });

  it('turns file and env settings into env variables that load the same config', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'jobserver-config-')), 'server.conf');
    writeFileSync(file, 'jobserver { kill-grace = 2s, job-env = [A, B], context-defaults { num-cpu-cores = 2 } }');
    const env = { JOBSERVER_CONFIG: file, DATABASE_URL: 'postgres://secret@db/x', JOBSERVER_PREFIX: 'p1', HOME: '/root' };
    const settings = await settingsAsEnv(env);
    expect(settings).toEqual({
      JOBSERVER_KILL_GRACE: '2s',
      JOBSERVER_JOB_ENV: 'A,B',
      JOBSERVER_CONTEXT_DEFAULTS: '{"num-cpu-cores":2}',
      JOBSERVER_DATABASE_URL: 'postgres://secret@db/x',
      JOBSERVER_PREFIX: 'p1',
    });
    const direct = await loadServerConfig(env);
    const handed = await loadServerConfig(settings);
    expect({ ...handed, instanceId: '' }).toEqual({ ...direct, instanceId: '' });
  });

  it('keeps only PATH, HOME, LANG, LC_ALL, TZ and the job-env variables in the worker env', () => {
    const env = { PATH: '/bin', HOME: '/root', DATABASE_URL: 'x', JOBSERVER_X: 'y', NODE_OPTIONS: '--inspect', A: '1', B: '2' };
    expect(workerProcessEnv(env, ['A', 'MISSING'])).toEqual({ PATH: '/bin', HOME: '/root', A: '1' });
  });

  it('refuses a worker-user that does not exist', () => {
    expect(() => resolveWorkerUser('no-such-user-here')).toThrow(process.getuid?.() === 0 ? 'no such OS user' : 'root');
    if (process.getuid?.() === 0) expect(resolveWorkerUser('nobody')).toMatchObject({ uid: 65534 });
  });
});
