import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  expect401,
  expect403,
  freshAddress,
  passwordHash,
} from '../apps/gateway/test/auth-http';
import { parseExposition } from './support/prometheus';
import { eventually, startTestServer, type TestServer } from './support/server';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

/** Who may scrape, and what a scrape answers while Postgres is unreachable. */
describe('GET /metrics: permission metrics:read, and Postgres down', () => {
  const PASSWORD = 'metrics-secret';
  let server: TestServer;
  let postgres: TcpProxy;
  const as = (user: string) =>
    call(server.url, 'GET', '/metrics', { basic: `${user}:${PASSWORD}`, from: freshAddress() });

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      scraper: { 'password-hash': hash, permissions: ['metrics:read'] },
      reader: { 'password-hash': hash, permissions: ['jobs:read'] },
    };
    postgres = await startTcpProxy(5432);
    server = await startTestServer(
      { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) },
      { postgresPort: postgres.port },
    );
  });
  afterAll(async () => {
    await postgres?.restore().catch(() => undefined);
    await server?.stop();
    await postgres?.close();
  });

  it('answers 401 without credentials and 403 without metrics:read', async () => {
    expect401(await call(server.url, 'GET', '/metrics', { from: freshAddress() }));
    expect403(await as('reader'), 'metrics:read');
    const ok = await as('scraper');
    expect(ok.status).toBe(200);
    expect(parseExposition(String(ok.body)).value('jobserver_jobs', { status: 'QUEUED' })).toBe(0);
  });

  it('answers 503 with only the process metrics while Postgres is down, 200 again after', async () => {
    await postgres.cut();
    try {
      // The gauges are cached 2 s: the first scrapes after the cut may still be served.
      const down = await eventually(async () => {
        const reply = await as('scraper');
        return reply.status === 503 ? reply : undefined;
      });
      expect(down.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(down.headers['retry-after']).toBe('2');
      const m = parseExposition(String(down.body));
      expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(m.samples.some((s) => s.name.startsWith('jobserver_jobs'))).toBe(false);
    } finally {
      await postgres.restore();
    }
    await eventually(async () => ((await as('scraper')).status === 200 ? true : undefined), 30_000);
  });
});
