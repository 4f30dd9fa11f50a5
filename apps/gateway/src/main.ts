import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { exposureWarning, hideSecretsFromEnviron, loadServerConfig } from '@jobserver/config';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { answerOtherMethods } from './infra/allowed-methods.hook';
import { clientErrorHandler, frameworkErrorHandler } from './infra/framework-errors';
import { refuseUnreadableRequests } from './infra/request-checks.hook';
import { serveWebUi } from './infra/web-ui';

async function bootstrap(): Promise<void> {
  // Jobs of this machine's context workers can read /proc/<pid>/environ of this process (same OS user).
  hideSecretsFromEnviron();
  const config = await loadServerConfig();
  const adapter = new FastifyAdapter({
    bodyLimit: config.uploadLimit,
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // A server process outlives a stray rejection: it is logged, not fatal.
  process.on('unhandledRejection', (reason) => app.get(Logger).error({ err: reason }, 'unhandled rejection'));
  app.enableShutdownHooks();
  if (config.stopWithParent) {
    // npm start's launcher keeps our stdin open while it lives: its death (even SIGKILL) closes it.
    process.stdin.once('end', () => {
      setTimeout(() => process.exit(1), 10_000).unref();
      void app.close().finally(() => process.exit(1));
    });
    process.stdin.resume();
  }
  const fastify = app.getHttpAdapter().getInstance();
  // Before any route is registered: the 405 answers collect the routes as they come.
  answerOtherMethods(fastify);
  refuseUnreadableRequests(fastify);
  // Every body is read as bytes: bundles are binary, configs are HOCON whatever the Content-Type.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  serveWebUi(app, app.get(Logger));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('jobserver')
      .setDescription('REST job server for Node.js')
      .addBasicAuth(undefined, 'basic')
      .addBearerAuth(undefined, 'bearer')
      .build(),
  );
  SwaggerModule.setup('api-docs', app, document, { jsonDocumentUrl: 'api-docs/json' });
  await app.listen(config.port, config.host);
  app.get(Logger).log(`gateway listening on ${config.host}:${config.port} (auth ${config.auth.enabled ? 'on' : 'off'})`);
  const warning = exposureWarning(config);
  if (warning) app.get(Logger).warn(warning);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
