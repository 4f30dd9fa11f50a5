import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadServerConfig } from '@jobserver/config';
import { Logger } from 'nestjs-pino';
import { ContextHostService } from './context/context-host.service';
import { ContextClaimService } from './pool/context-claim.service';
import { WorkerModule } from './worker.module';

/**
 * A context worker: hosts the context whose id is in JOBSERVER_CONTEXT_ID (local launcher), or,
 * without it, runs in pool mode: waits for a context claim, hosts that context, and exits once it
 * has stopped, so that the orchestrator restarts a fresh process (a clean heap, nothing left of
 * the previous context's user code).
 */
async function bootstrap(): Promise<void> {
  const config = await loadServerConfig();
  const fixedContextId = process.env.JOBSERVER_CONTEXT_ID || undefined;
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, fixedContextId), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // A server process outlives a stray rejection: it is logged, not fatal.
  process.on('unhandledRejection', (reason) => app.get(Logger).error({ err: reason }, 'unhandled rejection'));
  const host = app.get(ContextHostService);
  const claims = app.get(ContextClaimService);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      claims.close();
      void host.stop();
    });
  }
  const contextId = fixedContextId ?? (await claims.next());
  if (contextId) {
    await host.boot(contextId);
    await host.stopped;
  }
  await app.close();
  process.exit(0);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
