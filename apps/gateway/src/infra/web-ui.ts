import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { prefersHtml } from './accept';

/** Where the web app's build lands, found from this package (apps/gateway/dist → apps/web/dist). */
export const WEB_DIST = path.resolve(__dirname, '../../../web/dist');
/** The UI's assets live under a prefix that no API route uses. */
export const WEB_PREFIX = '/ui/';

/**
 * Serves the built web UI: its assets under /ui/, and its index.html for a GET `/` whose Accept
 * prefers text/html. Every other request to `/` (curl, JSON clients) gets what it got before.
 * Without a build (apps/web not built), it logs so and serves nothing.
 */
export function serveWebUi(
  app: NestFastifyApplication,
  logger: LoggerService,
  dist = WEB_DIST,
): void {
  const indexFile = path.join(dist, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn(`web UI not served: ${indexFile} is missing (build apps/web)`);
    return;
  }
  const index = readFileSync(indexFile);
  // preCompressed: the web build writes .br/.gz beside each asset; clients that accept them get those.
  app.useStaticAssets({
    root: dist,
    prefix: WEB_PREFIX,
    decorateReply: false,
    preCompressed: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const isRoot = request.url === '/' || request.url.startsWith('/?');
    if (request.method !== 'GET' || !isRoot || !prefersHtml(request.headers.accept)) return done();
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  });
}
