import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidServerConfig, loadServerConfig } from './load-config';

describe('configured contexts (contexts { <name> { <settings> } })', () => {
  it('has none by default', async () => {
    expect((await loadServerConfig({})).contexts).toEqual({});
  });

  it('reads a HOCON contexts block, settings normalized', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jobserver-config-'));
    const file = path.join(dir, 'server.conf');
    writeFileSync(file, 'jobserver { contexts { fast { num-cpu-cores = "2", memory-per-node = 256m }, slow {} } }');
    const config = await loadServerConfig({ JOBSERVER_CONFIG: file });
    expect(config.contexts).toEqual({ fast: { 'num-cpu-cores': 2, 'mem-per-node': '256m' }, slow: {} });
    expect(Object.isFrozen(config.contexts.fast)).toBe(true);
  });

  it('lists every bad name and setting of every context in one message', async () => {
    const contexts = {
      ok: { 'max-jobs-per-context': 4 },
      '1bad': {},
      broken: { 'num-cpu-cores': 0, 'job-timeout': 'soon' },
      other: { 'mem-per-node': 'lots' },
      flat: 3,
    };
    const failure = await loadServerConfig({ JOBSERVER_CONTEXTS: JSON.stringify(contexts) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InvalidServerConfig);
    const message = (failure as Error).message;
    expect(message).toContain('contexts.1bad: a context name starts with a letter');
    expect(message).toContain('contexts.broken: num-cpu-cores must be an integer between 1 and 1024, got 0');
    expect(message).toContain('contexts.broken: job-timeout must be a duration like 30s, got soon');
    expect(message).toContain('contexts.other: mem-per-node must be a size');
    expect(message).toContain('contexts.flat must be an object of context settings');
    expect(message).not.toContain('contexts.ok');
  });

  it('refuses a contexts value that is not an object', async () => {
    await expect(loadServerConfig({ JOBSERVER_CONTEXTS: '[1]' })).rejects.toThrow(/contexts must be an object/);
  });
});
