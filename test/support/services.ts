import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dockerPing } from './docker';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

let started: Promise<{ postgres: string; redis: string }> | undefined;

/**
 * Where the test services are: `DATABASE_URL` / `REDIS_URL`, else the local services, else
 * (only when a Docker engine answers) testcontainers.
 */
function serviceUrls(): Promise<{ postgres: string; redis: string }> {
  started ??= (async () => {
    const env = { postgres: process.env.DATABASE_URL, redis: process.env.REDIS_URL };
    if (env.postgres && env.redis) return env as { postgres: string; redis: string };
    if (await reachable(LOCAL_POSTGRES)) return { postgres: env.postgres ?? LOCAL_POSTGRES, redis: env.redis ?? LOCAL_REDIS };
    const ping = await dockerPing();
    if (!ping.ok) throw new Error(`no DATABASE_URL/REDIS_URL, no local Postgres, and no Docker engine (${ping.reason})`);
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const { RedisContainer } = await import('@testcontainers/redis');
    const [pg, redis] = await Promise.all([
      new PostgreSqlContainer('postgres:16-alpine').start(),
      new RedisContainer('redis:7-alpine').start(),
    ]);
    return { postgres: pg.getConnectionUri(), redis: redis.getConnectionUrl() };
  })();
  return started;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database of its own for one test file, dropped by `drop()`. */
export async function testDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = (await serviceUrls()).postgres;
  const name = `jobserver_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The Redis URL and a key prefix of its own for one test file. */
export async function testRedis(): Promise<{ url: string; prefix: string }> {
  return { url: (await serviceUrls()).redis, prefix: `test-${randomBytes(6).toString('hex')}` };
}
