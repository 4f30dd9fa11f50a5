import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidServerConfig, loadServerConfig } from './load-config';

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

  it('lists every invalid value at once', async () => {
    const loading = loadServerConfig({ PORT: 'x', JOBSERVER_ACCEPT_TIMEOUT: 'soon', JOBSERVER_API_COMPAT: 'v2' });
    await expect(loading).rejects.toBeInstanceOf(InvalidServerConfig);
    await expect(loading).rejects.toThrow(/port.*accept-timeout.*api-compat/);
  });
});
