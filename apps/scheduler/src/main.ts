import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { hideSecretsFromEnviron, loadServerConfig } from '@jobserver/config';
import { waitForRedis } from '@jobserver/protocol/redis';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { SchedulerModule } from './scheduler.module';

async function bootstrap(): Promise<void> {
  // Jobs of this machine's context workers can read /proc/<pid>/environ of this process (same OS user).
  hideSecretsFromEnviron();
  const config = await loadServerConfig();
  // The app's boot waits on Redis with its logs buffered: say here why it waits, if it does.
  const early = pino({ level: config.logLevel, base: { app: 'scheduler', instance: config.instanceId } });
  await waitForRedis(config.redis, `scheduler-start:${config.instanceId}`, (fields, message) => early.warn(fields, message));
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // A server process outlives a stray rejection: it is logged, not fatal.
  process.on('unhandledRejection', (reason) => app.get(Logger).error({ err: reason }, 'unhandled rejection'));
  app.enableShutdownHooks();
  if (config.stopWithParent) {
    // npm start's launcher keeps our stdin open while it lives: its death (even SIGKILL) closes it.
    process.stdin.once('end', () => {
      app.get(Logger).warn('npm start launcher gone; stopping with its context workers');
      setTimeout(() => process.exit(1), 10_000).unref();
      void app.close().finally(() => process.exit(1));
    });
    process.stdin.resume();
  }
  app.get(Logger).log(`scheduler ${config.instanceId} running (launcher ${config.launcher})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
