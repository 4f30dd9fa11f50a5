import { loadServerConfig, logOptions } from '@jobserver/config';
import { waitForRedis } from '@jobserver/protocol/redis';
import { configureLog, Logger } from './infra/logger';
import { killRestOfProcessGroup } from './process/process-group.reaper';
import type { Assignment } from './process/worker-entry.flags';
import { uncapThreadsYoungGeneration } from './process/young-generation';
import { WorkerApp } from './worker.app';

/**
 * Runs a context worker on `settings` (env variables as loadServerConfig reads them): hosts the
 * context whose id is in JOBSERVER_CONTEXT_ID (local launcher), or, as a spare, the one its
 * launcher names on stdin (`assignment`, awaited once it has booted and prepared), or, without either, waits for a context claim (pool mode), hosts that context, and ends once it has stopped, so that the
 * orchestrator restarts a fresh process (a clean heap, nothing left of the previous context's
 * user code). Whatever the context's jobs spawned ends with it.
 * @returns once the context has stopped
 */
export async function runWorker(settings: NodeJS.ProcessEnv, options: { assignment?: Promise<Assignment | null> } = {}): Promise<void> {
  uncapThreadsYoungGeneration();
  const config = await loadServerConfig(settings);
  const fixedContextId = settings.JOBSERVER_CONTEXT_ID || undefined;
  configureLog(logOptions(config, { app: 'context-worker', instance: config.instanceId, pid: process.pid, ...(fixedContextId ? { contextId: fixedContextId } : {}) }));
  const log = new Logger('WorkerBoot');
  await waitForRedis(config.redis, `worker-start:${config.instanceId}`, (fields, message) => log.warn(fields, message));
  const app = await WorkerApp.open(config);
  // A server process outlives a stray rejection: it is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  const { host, claims } = app;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // A spare that hosts nothing yet has nothing to stop.
      if (options.assignment && !host.contextId) exitNow();
      claims.close();
      void host.stop();
    });
  }
  const { assignment } = options;
  if (assignment) {
    await host.prepare().catch((err: unknown) => log.warn({ err }, 'preparing the spare worker failed'));
    // Its boot time: how soon a spare taken by a context or an ad-hoc job stands again behind it.
    log.log({ bootMs: Math.round(performance.now()) }, 'spare worker ready');
  }
  const assigned = assignment && !fixedContextId ? await assignment : null;
  const contextId = fixedContextId ?? (assignment ? assigned?.contextId : await claims.next());
  if (contextId) {
    await host.boot(contextId, assigned?.context);
    await host.stopped;
  }
  await app.close();
  killRestOfProcessGroup();
}

/** Ends the process at once, with whatever its jobs spawned (a spare that hosts nothing). */
export function exitNow(): never {
  killRestOfProcessGroup();
  process.exit(0);
}

/** A supervised worker whose supervisor died (its stdin closed) ends at once, with its jobs' children. */
export function exitWhenStdinCloses(): void {
  process.stdin.once('end', () => {
    killRestOfProcessGroup();
    process.exit(1);
  });
  process.stdin.resume();
}
