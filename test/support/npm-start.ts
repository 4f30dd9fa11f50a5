import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteKeys, freePort } from './processes';
import { testDatabase, testRedis } from './services';

/** What `scripts/start.js` needs to run on a test database and Redis prefix of its own. */
export interface NpmStartSetup {
  env: NodeJS.ProcessEnv;
  port: number;
  databaseUrl: string;
  /** Drops the database, deletes the Redis prefix's keys and removes the data dir (once the processes are gone). */
  cleanup(): Promise<void>;
}

export async function npmStartSetup(extraEnv: Record<string, string> = {}): Promise<NpmStartSetup> {
  const [db, redis, port] = await Promise.all([testDatabase(), testRedis(), freePort()]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-npm-start-'));
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    PORT: String(port),
    JOBSERVER_HOST: '127.0.0.1',
    JOBSERVER_PREFIX: redis.prefix,
    JOBSERVER_BUNDLE_CACHE_DIR: path.join(dataDir, 'bundles'),
    ...extraEnv,
  };
  return {
    env,
    port,
    databaseUrl: db.url,
    cleanup: async () => {
      await db.drop();
      await deleteKeys(redis.url, redis.prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
