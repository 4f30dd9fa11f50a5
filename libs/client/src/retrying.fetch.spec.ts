import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverError } from './jobserver.error';
import { retryDelay, retryingFetch } from './retrying.fetch';

/** A local HTTP server answering 503 (with Retry-After 0) to the first `failures` requests of each path. */
function flakyServer(failures: number) {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const count = (seen.get(`${req.method} ${req.url}`) ?? 0) + 1;
    seen.set(`${req.method} ${req.url}`, count);
    if (count <= failures) {
      res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"status":"ERROR","result":"Redis unreachable, retry later"}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"attempt":${count}}`);
    }
  });
  return { server, seen };
}

describe('retryingFetch', () => {
  const { server, seen } = flakyServer(2);
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fetchWith = retryingFetch(fetch, { attempts: 3, baseDelayMs: 1, maxDelayMs: 10 });

  it('retries an idempotent request on 503 until it is answered', async () => {
    const response = await fetchWith(new Request(`${url}/get`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ attempt: 3 });
  });

  it('answers the last 503 when the attempts run out', async () => {
    const once = retryingFetch(fetch, { attempts: 2, baseDelayMs: 1 });
    const response = await once(new Request(`${url}/twice`, { method: 'DELETE' }));
    expect(response.status).toBe(503);
    expect(seen.get('DELETE /twice')).toBe(2);
  });

  it('sends a POST once, whatever it gets', async () => {
    const response = await fetchWith(new Request(`${url}/post`, { method: 'POST', body: 'x' }));
    expect(response.status).toBe(503);
    expect(seen.get('POST /post')).toBe(1);
  });

  it('throws an unreachable JobserverError naming the server when nothing answers', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await fetchWith(new Request(`http://127.0.0.1:${port}/jobs`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobserverError);
    expect(error).toMatchObject({ kind: 'unreachable', status: 0, method: 'GET' });
    expect((error as Error).message).toBe(`cannot reach the jobserver at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('stops at once when the signal aborts, as an aborted JobserverError', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await fetchWith(new Request(`${url}/aborted`, { signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted' });
  });

  it('waits as Retry-After says, capped, else exponentially with jitter', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(policy, 1, '0.2')).toBe(200);
    expect(retryDelay(policy, 1, '60')).toBe(1000);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const delay = retryDelay(policy, attempt);
      expect(delay).toBeGreaterThanOrEqual(Math.min(50 * 2 ** (attempt - 1), 1000));
      expect(delay).toBeLessThanOrEqual(Math.min(100 * 2 ** (attempt - 1), 1000));
    }
  });
});
