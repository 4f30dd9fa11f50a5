import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidServerConfig, loadServerConfig } from './load-config';
import { defaultMaxContexts } from './server-config';

describe('loadServerConfig', () => {
  it('uses the defaults table when nothing is set', async () => {
    const config = await loadServerConfig({});
    expect(config).toMatchObject({ port: 8090, acceptTimeoutMs: 3000, killGraceMs: 5000, maxResultSize: 16 * 1024 ** 2, apiCompat: 'seed' });
    expect(Object.isFrozen(config)).toBe(true);
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
});
