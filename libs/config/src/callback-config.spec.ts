import { describe, expect, it } from 'vitest';
import { callbackHostAllowed } from './callback-config';
import { loadServerConfig, settingsAsEnv } from './load-config';

describe('callback-* settings', () => {
  it('defaults to 5 attempts 10 s apart, a 10 s timeout, no secret and any host', async () => {
    expect((await loadServerConfig({})).callbacks).toEqual({
      secret: undefined,
      attempts: 5,
      retryDelayMs: 10_000,
      timeoutMs: 10_000,
      allowHosts: [],
    });
  });

  it('reads short delays, a secret and allowed hosts from env variables', async () => {
    const config = await loadServerConfig({
      JOBSERVER_CALLBACK_ATTEMPTS: '3',
      JOBSERVER_CALLBACK_RETRY_DELAY: '200ms',
      JOBSERVER_CALLBACK_TIMEOUT: '300ms',
      JOBSERVER_CALLBACK_SECRET: 's3cret',
      JOBSERVER_CALLBACK_ALLOW_HOSTS: 'Hooks.Example.com, *.internal.test',
    });
    expect(config.callbacks).toEqual({
      secret: 's3cret',
      attempts: 3,
      retryDelayMs: 200,
      timeoutMs: 300,
      allowHosts: ['hooks.example.com', '*.internal.test'],
    });
  });

  it('lists every bad callback setting at once', async () => {
    const loading = loadServerConfig({
      JOBSERVER_CALLBACK_ATTEMPTS: '0',
      JOBSERVER_CALLBACK_RETRY_DELAY: '2h',
      JOBSERVER_CALLBACK_TIMEOUT: 'soon',
      JOBSERVER_CALLBACK_ALLOW_HOSTS: 'ok.example,bad host',
    });
    await expect(loading).rejects.toThrow('callback-attempts must be an integer from 1 to 100');
    await expect(loading).rejects.toThrow('callback-retry-delay must be a duration from 0ms to 1h');
    await expect(loading).rejects.toThrow('callback-timeout must be a duration from 1ms to 1h');
    await expect(loading).rejects.toThrow(
      'callback-allow-hosts holds invalid host names: bad host',
    );
    await expect(loadServerConfig({ JOBSERVER_CALLBACK_ATTEMPTS: '101' })).rejects.toThrow(
      'callback-attempts',
    );
  });

  it('never hands callback-secret to a context worker', async () => {
    const settings = await settingsAsEnv({
      JOBSERVER_CALLBACK_SECRET: 's3cret',
      JOBSERVER_CALLBACK_ATTEMPTS: '2',
    });
    expect(settings).toEqual({ JOBSERVER_CALLBACK_ATTEMPTS: '2' });
  });

  it('allows any host with an empty list, else exact names and subdomains of *. entries', () => {
    expect(callbackHostAllowed('anything', [])).toBe(true);
    expect(callbackHostAllowed('a.example.com', ['*.example.com'])).toBe(true);
    expect(callbackHostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(callbackHostAllowed('badexample.com', ['*.example.com'])).toBe(false);
    expect(callbackHostAllowed('example.com', ['example.com'])).toBe(true);
  });
});
