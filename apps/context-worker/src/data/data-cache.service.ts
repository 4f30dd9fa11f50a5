import path from 'node:path';
import type { ServerConfig } from '@jobserver/config';
import { DataFileRepository } from '@jobserver/persistence/core';
import { isDataFilename } from '@jobserver/protocol';
import type { ExecutorDataHooks } from '../executor/executor';
import { DataCache } from './data-cache';

/**
 * The worker's data-file cache (`ctx.data`): `<data-cache-dir>/<pid>`, bounded by
 * `data-cache-size`. One folder per process, emptied at start and at shutdown, so that workers
 * sharing a machine never evict each other's files and a stale folder never counts as verified.
 */
export class DataCacheService implements ExecutorDataHooks {
  private readonly cache: DataCache;

  constructor(config: ServerConfig, files: DataFileRepository) {
    const dir = path.resolve(config.dataCacheDir, String(process.pid));
    this.cache = new DataCache(dir, config.dataCacheSize, {
      find: (filename) => (isDataFilename(filename) ? files.find(filename) : Promise.resolve(null)),
      chunks: (filename) => files.chunks(filename),
    });
  }

  /** Empties the process's folder (at start and at shutdown). */
  clear(): Promise<void> {
    return this.cache.clear();
  }

  path(filename: string, jobId: string): Promise<string> {
    return this.cache.path(filename, jobId);
  }

  release(jobId: string): void {
    this.cache.release(jobId);
  }
}
