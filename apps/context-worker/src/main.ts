import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadServerConfig } from '@jobserver/config';
import { Logger } from 'nestjs-pino';
import { ContextHostService } from './context/context-host.service';
import { WorkerModule } from './worker.module';

/** A context worker: hosts the context whose id is in JOBSERVER_CONTEXT_ID. */
async function bootstrap(): Promise<void> {
  const contextId = process.env.JOBSERVER_CONTEXT_ID;
  if (!contextId) throw new Error('JOBSERVER_CONTEXT_ID is not set');
  const config = await loadServerConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, contextId), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const host = app.get(ContextHostService);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void host.stop());
  await host.boot();
  await host.stopped;
  await app.close();
  process.exit(0);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
