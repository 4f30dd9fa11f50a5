import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import {
  deleteKeys,
  freePort,
  killChild,
  queryDatabase,
  spawnApp,
  waitForHealth,
  waitForLine,
  type AppName,
} from './processes';
import { testDatabase, testRedis } from './services';

/** One process of the cluster. */
export interface ClusterProcess {
  app: AppName;
  /** Its `JOBSERVER_INSTANCE_ID` (`gateway-1`, `scheduler-2`, `worker-3`, …). */
  id: string;
  pid: number;
  child: ChildProcess;
  /** Gateways: where they answer. */
  url: string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<string>;
}

/**
 * A jobserver cluster of its own on this machine (database, Redis prefix): gateways, schedulers
 * running the pool launcher, and pool context workers, each a separate process, as a container
 * orchestrator would run them. `stop()` kills every process it started and drops the database
 * and the Redis keys.
 */
export interface TestCluster {
  readonly gateways: ClusterProcess[];
  readonly schedulers: ClusterProcess[];
  readonly workers: ClusterProcess[];
  prefix: string;
  redisUrl: string;
  databaseUrl: string;
  logDir: string;
  startGateway(): Promise<ClusterProcess>;
  startScheduler(): Promise<ClusterProcess>;
  /** Starts a pool worker; resolves once it waits for a context claim. */
  startWorker(): Promise<ClusterProcess>;
  kill(process: ClusterProcess, signal?: NodeJS.Signals): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Reads a Redis key under the cluster's prefix (`lease:supervisor`, …). */
  redisGet(key: string): Promise<string | null>;
  stop(): Promise<void>;
}

export interface ClusterSize {
  gateways: number;
  schedulers: number;
  workers: number;
}

export async function startTestCluster(size: ClusterSize, extraEnv: Record<string, string> = {}): Promise<TestCluster> {
  const [db, redisInfo] = await Promise.all([testDatabase(), testRedis()]);
  const logDir = mkdtempSync(path.join(os.tmpdir(), `${redisInfo.prefix}-`));
  const redis = new Redis(redisInfo.url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: redisInfo.url,
    JOBSERVER_PREFIX: redisInfo.prefix,
    JOBSERVER_LAUNCHER: 'pool',
    JOBSERVER_HOST: '127.0.0.1',
    ...extraEnv,
  };
  const all: ClusterProcess[] = [];
  const counters: Record<AppName, number> = { gateway: 0, scheduler: 0, 'context-worker': 0 };

  const start = async (app: AppName, ready: (child: ChildProcess, url: string) => Promise<void>) => {
    const id = `${app === 'context-worker' ? 'worker' : app}-${++counters[app]}`;
    const port = app === 'gateway' ? await freePort() : 0;
    const url = `http://127.0.0.1:${port}`;
    const processEnv: NodeJS.ProcessEnv = {
      ...env,
      JOBSERVER_INSTANCE_ID: id,
      PORT: String(port),
      JOBSERVER_BUNDLE_CACHE_DIR: path.join(logDir, `bundle-cache-${id}`),
      JOBSERVER_DATA_CACHE_DIR: path.join(logDir, `data-cache-${id}`),
    };
    const child = spawnApp(app, processEnv, path.join(logDir, `${id}.log`));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
    const proc: ClusterProcess = { app, id, pid: child.pid!, child, url, exited };
    all.push(proc);
    await ready(child, url);
    return proc;
  };

  const cluster: TestCluster = {
    gateways: [],
    schedulers: [],
    workers: [],
    prefix: redisInfo.prefix,
    redisUrl: redisInfo.url,
    databaseUrl: db.url,
    logDir,
    async startGateway() {
      const proc = await start('gateway', (child, url) => waitForHealth(url, child));
      cluster.gateways.push(proc);
      return proc;
    },
    async startScheduler() {
      const proc = await start('scheduler', (child) => waitForLine(child, 'running (launcher'));
      cluster.schedulers.push(proc);
      return proc;
    },
    async startWorker() {
      const proc = await start('context-worker', (child) => waitForLine(child, 'waiting for a context claim'));
      cluster.workers.push(proc);
      return proc;
    },
    kill: (proc, signal = 'SIGKILL') => killChild(proc.child, signal),
    query: (sql, params = []) => queryDatabase(db.url, sql, params),
    redisGet: (key) => redis.get(`${redisInfo.prefix}:${key}`),
    async stop() {
      await Promise.all(all.map((proc) => killChild(proc.child, 'SIGKILL')));
      redis.disconnect();
      await deleteKeys(redisInfo.url, redisInfo.prefix);
      await db.drop();
    },
  };
  try {
    // Schedulers first: they run the migrations the others rely on.
    for (let i = 0; i < size.schedulers; i++) await cluster.startScheduler();
    await Promise.all([
      ...Array.from({ length: size.gateways }, () => cluster.startGateway()),
      ...Array.from({ length: size.workers }, () => cluster.startWorker()),
    ]);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
