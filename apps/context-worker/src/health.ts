import { loadServerConfig } from '@jobserver/config';
import { probeDatabase } from '@jobserver/persistence';
import { probeRedis } from '@jobserver/protocol';

/**
 * Container health check (`node apps/context-worker/dist/health.js`): exits 0 when Redis and Postgres of
 * the server config answer, else 1 with what is down.
 */
async function check(): Promise<void> {
  const config = await loadServerConfig();
  const [redis, postgres] = await Promise.all([
    probeRedis(config.redisUrl),
    config.databaseUrl ? probeDatabase(config.databaseUrl) : Promise.resolve(false),
  ]);
  const down = [!redis && 'Redis', !postgres && 'Postgres'].filter(Boolean);
  if (down.length) process.stderr.write(`${down.join(' and ')} unreachable\n`);
  process.exit(down.length ? 1 : 0);
}

void check().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
