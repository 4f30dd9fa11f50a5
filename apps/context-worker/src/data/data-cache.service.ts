import path from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { DataFileRepository } from '@jobserver/persistence';
import { isDataFilename } from '@jobserver/protocol';
import type { ExecutorDataHooks } from '../executor/executor';
import { SERVER_CONFIG } from '../infra/tokens';
import { DataCache } from './data-cache';

/**
 * The worker's data-file cache (`ctx.data`): `<data-cache-dir>/<pid>`, bounded by
 * `data-cache-size`. One folder per process, emptied at start and at shutdown, so that workers
 * sharing a machine never evict each other's files and a stale folder never counts as verified.
 */
@Injectable()
export class DataCacheService implements ExecutorDataHooks, OnModuleInit, OnApplicationShutdown {
  private readonly cache: DataCache;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig, files: DataFileRepository) {
    const dir = path.resolve(config.dataCacheDir, String(process.pid));
    this.cache = new DataCache(dir, config.dataCacheSize, {
      find: (filename) => (isDataFilename(filename) ? files.find(filename) : Promise.resolve(null)),
      chunks: (filename) => files.chunks(filename),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.cache.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.clear();
  }

  path(filename: string, jobId: string): Promise<string> {
    return this.cache.path(filename, jobId);
  }

  release(jobId: string): void {
    this.cache.release(jobId);
  }
}
