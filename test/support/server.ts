import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { testDatabase, testRedis } from './services';

const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLE_BUNDLE = path.join(ROOT, 'examples/dist/jobserver-examples.mjs');
const MAIN = {
  gateway: path.join(ROOT, 'apps/gateway/dist/main.js'),
  scheduler: path.join(ROOT, 'apps/scheduler/dist/main.js'),
};
type App = keyof typeof MAIN;

/** A jobserver of its own (database, Redis prefix, port) started as real processes. */
export interface TestServer {
  url: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** Where the processes' logs go. */
  logDir: string;
  /** Starts (or restarts) one app; resolves once it is ready. */
  start(app: App): Promise<void>;
  /** Kills one app (SIGKILL by default). */
  kill(app: App, signal?: NodeJS.Signals): Promise<void>;
  /** SQL against the server's database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops every process (context workers included), drops the database and Redis keys. */
  stop(): Promise<void>;
}

export async function startTestServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const [db, redis, port] = await Promise.all([testDatabase(), testRedis(), freePort()]);
  const logDir = mkdtempSync(path.join(os.tmpdir(), `${redis.prefix}-`));
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    PORT: String(port),
    JOBSERVER_PREFIX: redis.prefix,
    JOBSERVER_BUNDLE_CACHE_DIR: path.join(logDir, 'bundle-cache'),
    JOBSERVER_HOST: '127.0.0.1',
    ...extraEnv,
  };
  const children = new Map<App, ChildProcess>();
  const url = `http://127.0.0.1:${port}`;

  const server: TestServer = {
    url,
    databaseUrl: db.url,
    redisUrl: redis.url,
    prefix: redis.prefix,
    logDir,
    async start(app) {
      const log = createWriteStream(path.join(logDir, `${app}.log`), { flags: 'a' });
      const child = spawn(process.execPath, [MAIN[app]], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
      children.set(app, child);
      await (app === 'gateway' ? waitForHealth(url, child) : waitForLine(child, 'running (launcher'));
    },
    async kill(app, signal = 'SIGKILL') {
      const child = children.get(app);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
    async query(sql, params = []) {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await Promise.all([...children.keys()].map((app) => server.kill(app, 'SIGKILL')));
      // Only live contexts: the pid of a worker that ended may belong to another process by now.
      const workers = await server
        .query<{ pid: number }>(
          `SELECT pid FROM contexts WHERE pid IS NOT NULL AND state IN ('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`,
        )
        .catch(() => []);
      for (const { pid } of workers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await deleteKeys(redis.url, redis.prefix);
      await db.drop();
    },
  };
  await server.start('scheduler');
  await server.start('gateway');
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become healthy in 30 s');
}

function waitForLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within 30 s`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-10_000);
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before "${text}"`)));
  });
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
