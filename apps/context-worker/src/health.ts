import { loadServerConfig } from '@jobserver/config';
import { unreachableServices } from '@jobserver/persistence/core';

/**
 * Container health check (`node apps/context-worker/dist/health.js`): exits 0 when Redis and Postgres of
 * the server config answer, else 1 with what is down.
 */
async function check(): Promise<void> {
  const config = await loadServerConfig();
  const problem = await unreachableServices(config.redis, config.databaseUrl);
  if (problem) process.stderr.write(`${problem}\n`);
  process.exit(problem ? 1 : 0);
}

void check().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
