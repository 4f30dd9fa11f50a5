import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exposureWarning } from './auth-config';
import { InvalidServerConfig, loadServerConfig } from './load-config';
import { defaultMaxContexts } from './server-config';

describe('loadServerConfig', () => {
  it('uses the defaults table when nothing is set', async () => {
    const config = await loadServerConfig({});
    expect(config).toMatchObject({ port: 8090, acceptTimeoutMs: 3000, killGraceMs: 5000, maxResultSize: 16 * 1024 ** 2, apiCompat: 'seed' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads snapshot-max-bytes (default 64m), refusing what is not a size', async () => {
    expect((await loadServerConfig({})).snapshotMaxBytes).toBe(64 * 1024 ** 2);
    expect((await loadServerConfig({ JOBSERVER_SNAPSHOT_MAX_BYTES: '2m' })).snapshotMaxBytes).toBe(2 * 1024 ** 2);
    await expect(loadServerConfig({ JOBSERVER_SNAPSHOT_MAX_BYTES: 'lots' })).rejects.toThrow('snapshot-max-bytes must be a size like 16m');
  });

  it('lets env variables override a HOCON file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jobserver-config-'));
    const file = path.join(dir, 'server.conf');
    writeFileSync(file, 'jobserver { kill-grace = 2s, api-compat = mainline, port = 9000 }');
    const config = await loadServerConfig({ JOBSERVER_CONFIG: file, PORT: '9100' });
    expect(config).toMatchObject({ killGraceMs: 2000, apiCompat: 'mainline', port: 9100 });
  });

  it('accepts a hash-tagged prefix for Redis Cluster but not a broken one', async () => {
    expect((await loadServerConfig({ JOBSERVER_PREFIX: '{jobserver}' })).prefix).toBe('{jobserver}');
    await expect(loadServerConfig({ JOBSERVER_PREFIX: '{a}{b}' })).rejects.toThrow(/hash tag/);
    await expect(loadServerConfig({ JOBSERVER_PREFIX: 'a{b' })).rejects.toThrow(/hash tag/);
  });

  it('reads the scheduler lock duration that bounds re-delivery after a scheduler dies', async () => {
    expect((await loadServerConfig({})).schedulerLockDurationMs).toBe(3000);
    expect((await loadServerConfig({ JOBSERVER_SCHEDULER_LOCK_DURATION: '2s' })).schedulerLockDurationMs).toBe(2000);
    await expect(loadServerConfig({ JOBSERVER_SCHEDULER_LOCK_DURATION: '200ms' })).rejects.toThrow(/at least 1s/);
  });

  it('reads the bounds of posted configs, 64 deep and 1 MiB by default, the depth at most 1000', async () => {
    expect(await loadServerConfig({})).toMatchObject({ configMaxDepth: 64, configMaxSize: 1024 ** 2 });
    const set = await loadServerConfig({ JOBSERVER_CONFIG_MAX_DEPTH: '16', JOBSERVER_CONFIG_MAX_SIZE: '256k' });
    expect(set).toMatchObject({ configMaxDepth: 16, configMaxSize: 256 * 1024 });
    await expect(loadServerConfig({ JOBSERVER_CONFIG_MAX_DEPTH: '1001' })).rejects.toThrow(/config-max-depth must be at most 1000/);
    await expect(loadServerConfig({ JOBSERVER_CONFIG_MAX_DEPTH: '0', JOBSERVER_CONFIG_MAX_SIZE: 'big' })).rejects.toThrow(
      /config-max-depth must be an integer ≥ 1.*config-max-size must be a size/,
    );
  });

  it('reads the job event limits: progress-rate 10, log-line-limit 8 KiB, log-lines-retained 10000', async () => {
    expect(await loadServerConfig({})).toMatchObject({ progressRate: 10, logLineLimit: 8192, logLinesRetained: 10_000 });
    const set = await loadServerConfig({
      JOBSERVER_PROGRESS_RATE: '2',
      JOBSERVER_LOG_LINE_LIMIT: '1k',
      JOBSERVER_LOG_LINES_RETAINED: '50',
    });
    expect(set).toMatchObject({ progressRate: 2, logLineLimit: 1024, logLinesRetained: 50 });
    await expect(
      loadServerConfig({ JOBSERVER_PROGRESS_RATE: '0', JOBSERVER_LOG_LINE_LIMIT: 'long', JOBSERVER_LOG_LINES_RETAINED: '-1' }),
    ).rejects.toThrow(/progress-rate must be an integer ≥ 1.*log-line-limit must be a size.*log-lines-retained must be an integer ≥ 1/);
    await expect(loadServerConfig({ JOBSERVER_PROGRESS_RATE: '1001', JOBSERVER_LOG_LINE_LIMIT: '100' })).rejects.toThrow(
      /progress-rate must be at most 1000.*log-line-limit must be at least 256b/,
    );
  });

  it('reads the event streams\' keep-alive interval (15 s unless set, at least 10 ms)', async () => {
    expect((await loadServerConfig({})).eventStreamKeepAliveMs).toBe(15_000);
    expect((await loadServerConfig({ JOBSERVER_EVENT_STREAM_KEEPALIVE: '200ms' })).eventStreamKeepAliveMs).toBe(200);
    await expect(loadServerConfig({ JOBSERVER_EVENT_STREAM_KEEPALIVE: '0s' })).rejects.toThrow(/event-stream-keepalive must be at least 10ms/);
  });

  it('lists every invalid value at once', async () => {
    const loading = loadServerConfig({ PORT: 'x', JOBSERVER_ACCEPT_TIMEOUT: 'soon', JOBSERVER_API_COMPAT: 'v2' });
    await expect(loading).rejects.toBeInstanceOf(InvalidServerConfig);
    await expect(loading).rejects.toThrow(/port.*accept-timeout.*api-compat/);
  });

  it('reads the limits: max-error-size, validate-timeout, max-contexts', async () => {
    const defaults = await loadServerConfig({});
    expect(defaults).toMatchObject({ maxErrorSize: 64 * 1024, validateTimeoutMs: 30_000, maxContexts: defaultMaxContexts(undefined) });
    const set = await loadServerConfig({ JOBSERVER_MAX_CONTEXTS: '2', JOBSERVER_MAX_ERROR_SIZE: '8k', JOBSERVER_VALIDATE_TIMEOUT: '1s' });
    expect(set).toMatchObject({ maxContexts: 2, maxErrorSize: 8192, validateTimeoutMs: 1000 });
    const capped = await loadServerConfig({ JOBSERVER_CONTEXT_DEFAULTS: '{"mem-per-node":"1g"}' });
    expect(capped.maxContexts).toBe(defaultMaxContexts(1024 ** 3));
    await expect(loadServerConfig({ JOBSERVER_MAX_CONTEXTS: '0', JOBSERVER_VALIDATE_TIMEOUT: '0s' })).rejects.toThrow(
      /max-contexts must be an integer ≥ 1.*validate-timeout/,
    );
  });

  it('sizes max-contexts = auto to 80 % of the memory over an idle worker plus the heap cap', () => {
    const gib = 1024 ** 3;
    expect(defaultMaxContexts(undefined, 16 * gib)).toBe(Math.floor((0.8 * 16 * gib) / (642 * 1024 ** 2)));
    expect(defaultMaxContexts(2 * gib, 16 * gib)).toBe(6);
    expect(defaultMaxContexts(undefined, 256 * 1024 ** 2)).toBe(1);
  });

  const HASH = `scrypt:${'ab'.repeat(16)}:${'cd'.repeat(64)}`;
  const auth = (value: object) => ({ JOBSERVER_AUTH: JSON.stringify(value) });

  it('keeps auth off and binds 127.0.0.1 unless host is set', async () => {
    const config = await loadServerConfig({});
    expect(config.auth).toEqual({ enabled: false, users: {}, isolateOwners: false, maxFailures: 10 });
    expect(config.host).toBe('127.0.0.1');
    expect((await loadServerConfig({ JOBSERVER_HOST: '0.0.0.0' })).host).toBe('0.0.0.0');
    expect((await loadServerConfig(auth({ enabled: true }))).host).toBe('0.0.0.0');
  });

  it('warns about a non-loopback host with auth off, only then', async () => {
    expect(exposureWarning(await loadServerConfig({ JOBSERVER_HOST: '0.0.0.0' }))).toMatch(/auth is off/);
    expect(exposureWarning(await loadServerConfig({}))).toBeUndefined();
    expect(exposureWarning(await loadServerConfig({ JOBSERVER_HOST: '::1' }))).toBeUndefined();
    expect(exposureWarning(await loadServerConfig({ ...auth({ enabled: true }), JOBSERVER_HOST: '0.0.0.0' }))).toBeUndefined();
  });

  it('reads auth users with their hashes and permissions from the file or JOBSERVER_AUTH', async () => {
    const users = { alice: { 'password-hash': HASH, permissions: ['jobs', 'binaries:read'] } };
    const config = await loadServerConfig(auth({ enabled: true, users, 'isolate-owners': true, 'max-failures': 3 }));
    expect(config.auth).toEqual({
      enabled: true,
      users: { alice: { passwordHash: HASH, permissions: ['jobs', 'binaries:read'] } },
      isolateOwners: true,
      maxFailures: 3,
    });
    expect(Object.isFrozen(config.auth.users.alice.permissions)).toBe(true);
  });

  it('reads auth from a HOCON config file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jobserver-config-'));
    const file = path.join(dir, 'server.conf');
    writeFileSync(file, `jobserver.auth { enabled = true, users.alice { password-hash = "${HASH}", permissions = [jobs, "binaries:read"] } }`);
    const config = await loadServerConfig({ JOBSERVER_CONFIG: file });
    expect(config.auth.users.alice).toEqual({ passwordHash: HASH, permissions: ['jobs', 'binaries:read'] });
    expect(config.auth.enabled).toBe(true);
  });

  it('refuses unknown permissions and bad hashes, naming them', async () => {
    const users = {
      alice: { 'password-hash': HASH, permissions: ['jobz', 'jobs'] },
      bob: { 'password-hash': 'plain', permissions: ['*'] },
      carol: { 'password-hash': HASH, permissions: 'jobs' },
    };
    const loading = loadServerConfig(auth({ enabled: 'yes', users, 'max-failures': 0 }));
    await expect(loading).rejects.toBeInstanceOf(InvalidServerConfig);
    await expect(loading).rejects.toThrow(/auth.enabled must be true or false/);
    await expect(loading).rejects.toThrow(/auth.users.alice.permissions: unknown permission jobz/);
    await expect(loading).rejects.toThrow(/auth.users.bob.password-hash must be scrypt:<salt hex>:<key hex>/);
    await expect(loading).rejects.toThrow(/auth.users.carol.permissions must be a list/);
    await expect(loading).rejects.toThrow(/auth.max-failures must be an integer/);
    await expect(loadServerConfig(auth({ enabled: true, sers: {} }))).rejects.toThrow(/auth: unknown key sers/);
    await expect(loadServerConfig({ JOBSERVER_AUTH: '{nope' })).rejects.toThrow(/JOBSERVER_AUTH/);
  });
});

describe('job-retention', () => {
  it('keeps 30 days by default, cleaning up hourly', async () => {
    expect(await loadServerConfig({})).toMatchObject({ jobRetentionMs: 30 * 86_400_000, retentionIntervalMs: 3_600_000 });
  });

  it('takes 0 as keep everything, and refuses what is not a duration', async () => {
    expect((await loadServerConfig({ JOBSERVER_JOB_RETENTION: '0' })).jobRetentionMs).toBe(0);
    await expect(loadServerConfig({ JOBSERVER_JOB_RETENTION: 'forever' })).rejects.toThrow(/job-retention must be a duration/);
  });
});

describe('data-cache-size', () => {
  it('keeps 1 GiB of data files by default, and takes units', async () => {
    expect(await loadServerConfig({})).toMatchObject({ dataCacheSize: 1024 ** 3, dataCacheDir: 'data/data-cache' });
    expect((await loadServerConfig({ JOBSERVER_DATA_CACHE_SIZE: '64m' })).dataCacheSize).toBe(64 * 1024 ** 2);
    await expect(loadServerConfig({ JOBSERVER_DATA_CACHE_SIZE: 'lots' })).rejects.toThrow(/data-cache-size must be a size/);
  });
});
