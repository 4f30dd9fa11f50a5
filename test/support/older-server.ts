import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for an older jobserver: forwards to a real one, but its router lacks some routes. */
export interface OlderServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy to `target` that answers the requests `missing` matches as the gateway's
 * router answers an unknown route (404 `Cannot <METHOD> <path>`), as a server from before those
 * routes would. Everything else is forwarded (bodies buffered; no streaming).
 */
export async function startOlderServer(target: string, missing: (method: string, path: string) => boolean): Promise<OlderServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (missing(req.method ?? 'GET', path)) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ status: 'ERROR', result: `Cannot ${req.method} ${path}` }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(`${target}${req.url}`, { method: req.method, headers, body })
        .then(async (answer) => {
          const bytes = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
          res.end(bytes);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
