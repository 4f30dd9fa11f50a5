import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  deleteKeys,
  freePort,
  killChild,
  queryDatabase,
  spawnApp,
  waitForHealth,
  waitForLine,
} from './processes';
import { testDatabase, testRedis } from './services';

const ROOT = path.resolve(__dirname, '../..');
export const EXAMPLE_BUNDLE = path.join(ROOT, 'examples/dist/jobserver-examples.mjs');
type App = 'gateway' | 'scheduler';

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

/** Ports the started processes reach Postgres / Redis through (a test's TCP proxies), instead of the real ones. */
export interface ServiceRoute {
  postgresPort?: number;
  redisPort?: number;
}

export async function startTestServer(extraEnv: Record<string, string> = {}, route: ServiceRoute = {}): Promise<TestServer> {
  const [db, redis, port] = await Promise.all([testDatabase(), testRedis(), freePort()]);
  const through = (url: string, viaPort?: number) => {
    if (viaPort === undefined) return url;
    const parsed = new URL(url);
    parsed.port = String(viaPort);
    return parsed.toString();
  };
  const logDir = mkdtempSync(path.join(os.tmpdir(), `${redis.prefix}-`));
  const env = {
    ...process.env,
    DATABASE_URL: through(db.url, route.postgresPort),
    REDIS_URL: through(redis.url, route.redisPort),
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
      const child = spawnApp(app, env, path.join(logDir, `${app}.log`));
      children.set(app, child);
      await (app === 'gateway' ? waitForHealth(url, child) : waitForLine(child, 'running (launcher'));
    },
    async kill(app, signal = 'SIGKILL') {
      const child = children.get(app);
      if (child) await killChild(child, signal);
    },
    query: (sql, params = []) => queryDatabase(db.url, sql, params),
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
