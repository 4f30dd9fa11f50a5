import fs from 'node:fs';
import http from 'node:http';

type Endpoint = { socketPath: string } | { host: string; port: number };

function dockerEndpoint(env = process.env): Endpoint | string | null {
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith('unix://')) return { socketPath: host.slice(7) };
    if (/^(tcp|http):/.test(host)) {
      const url = new URL(host.replace(/^tcp:/, 'http:'));
      return { host: url.hostname, port: Number(url.port || 2375) };
    }
    return `unsupported DOCKER_HOST ${host}`;
  }
  const sockets = ['/var/run/docker.sock', `${env.XDG_RUNTIME_DIR}/docker.sock`, `${env.HOME}/.docker/run/docker.sock`];
  const socketPath = sockets.find((p) => fs.existsSync(p));
  return socketPath ? { socketPath } : null;
}

/** Whether a Docker engine answers `/_ping`: testcontainers is used only then. */
export function dockerPing(timeoutMs = 1500): Promise<{ ok: boolean; reason?: string }> {
  const endpoint = dockerEndpoint();
  if (!endpoint) return Promise.resolve({ ok: false, reason: 'no DOCKER_HOST and no docker.sock found' });
  if (typeof endpoint === 'string') return Promise.resolve({ ok: false, reason: endpoint });
  return new Promise((resolve) => {
    const req = http.request({ ...endpoint, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ ok: res.statusCode === 200 && body.trim() === 'OK', reason: `/_ping answered ${res.statusCode}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, reason: `/_ping timed out after ${timeoutMs} ms` });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: e.code ?? e.message }));
    req.end();
  });
}
