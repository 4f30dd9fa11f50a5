import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCallback } from './callback-sender';

/** A local receiver whose answer each test sets (a real socket: fetch is not mocked). */
describe('sendCallback', () => {
  let server: http.Server;
  let url: string;
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the body and headers and answers the status', async () => {
    let seen: { method?: string; body: string; headers: http.IncomingHttpHeaders } | undefined;
    handle = (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen = { method: req.method, body, headers: req.headers };
        res.writeHead(204).end();
      });
    };
    expect(
      await sendCallback(
        `${url}/hook`,
        '{"a":1}',
        { 'content-type': 'application/json', 'x-k': 'v' },
        5000,
      ),
    ).toEqual({ status: 204 });
    expect(seen).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-k': 'v' },
    });
  });

  it('does not follow a redirect', async () => {
    let hits = 0;
    handle = (_req, res) => {
      hits++;
      res.writeHead(302, { location: `${url}/elsewhere` }).end();
    };
    expect(await sendCallback(url, '{}', {}, 5000)).toEqual({ status: 302 });
    expect(hits).toBe(1);
  });

  it('does not read a huge answer', async () => {
    handle = (_req, res) => {
      res.writeHead(500);
      // Far more than any buffer: the sender must cancel, not drain it.
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    expect(await sendCallback(url, '{}', {}, 5000)).toEqual({ status: 500 });
  });

  it('gives no status for a receiver that never answers, after the timeout', async () => {
    handle = () => undefined;
    expect(await sendCallback(url, '{}', {}, 200)).toEqual({
      status: null,
      failure: 'no answer within callback-timeout (200 ms)',
    });
  });

  it('gives no status for a receiver that is down', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await sendCallback(`http://127.0.0.1:${port}/`, '{}', {}, 5000)).toEqual({
      status: null,
      failure: 'ECONNREFUSED',
    });
  });

  it("gives no status for a port fetch refuses to reach (the Fetch standard's bad ports, e.g. SMTP)", async () => {
    expect(await sendCallback('http://127.0.0.1:25/', '{}', {}, 5000)).toEqual({
      status: null,
      failure: 'bad port',
    });
  });
});
