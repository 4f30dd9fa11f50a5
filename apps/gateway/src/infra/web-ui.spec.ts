import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWebUi } from './web-ui';

@Module({})
class NoRoutesModule {}

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,*/*;q=0.8';

describe('serveWebUi', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A Nest app with no routes, the web UI served from `dist`, and what was logged as warnings. */
  async function appServing(dist: string) {
    const app = await NestFactory.create<NestFastifyApplication>(
      NoRoutesModule,
      new FastifyAdapter(),
      {
        logger: false,
      },
    );
    cleanups.push(() => app.close());
    const warnings: string[] = [];
    const logger: LoggerService = {
      log: () => undefined,
      error: () => undefined,
      warn: (m: string) => void warnings.push(m),
    };
    serveWebUi(app, logger, dist);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return { app, warnings };
  }

  function distFolder(files: Record<string, string>): string {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'web-dist-'));
    cleanups.push(() => rmSync(dist, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
      writeFileSync(path.join(dist, name), text);
    }
    return dist;
  }

  it('serves only the API, and says why in a warning, when the build has no index.html', async () => {
    const dist = distFolder({ 'assets/app.js': 'console.log(1)' });
    const { app, warnings } = await appServing(dist);
    expect(warnings).toEqual([
      `web UI not served: ${path.join(dist, 'index.html')} is missing (build apps/web)`,
    ]);
    const root = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(root.statusCode).toBe(404);
    expect(root.headers['content-type']).not.toMatch(/text\/html/);
    expect((await app.inject({ method: 'GET', url: '/ui/assets/app.js' })).statusCode).toBe(404);
  });

  it('serves index.html to a browser at / and the assets under /ui/, nothing to JSON clients at /', async () => {
    const dist = distFolder({
      'index.html': '<!doctype html><title>jobserver</title>',
      'assets/app.js': 'console.log(1)',
    });
    const { app, warnings } = await appServing(dist);
    expect(warnings).toEqual([]);
    const root = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>jobserver</title>');
    expect(
      (await app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } }))
        .statusCode,
    ).toBe(404);
    const asset = await app.inject({ method: 'GET', url: '/ui/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
  });
});
