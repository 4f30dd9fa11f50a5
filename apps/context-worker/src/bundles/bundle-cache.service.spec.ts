import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleSha256 } from '@jobserver/bundle';
import type { ServerConfig } from '@jobserver/config';
import type { BundleRepository } from '@jobserver/persistence';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BundleCacheService } from './bundle-cache.service';

const bytesOf = (n: number) => Buffer.from(`export class Job${n} { runJob() { return ${n}; } }\n`);

describe('BundleCacheService.prefetchRecent', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const cacheWith = (bundles: Buffer[]) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
    dirs.push(dir);
    const bySha = new Map(bundles.map((bytes) => [bundleSha256(bytes), { bytes, entry: 'index.mjs', binaryType: 'js' }]));
    const repository = {
      recentLatest: vi.fn(async () => [...bySha.keys()]),
      bySha: vi.fn(async (sha: string) => bySha.get(sha) ?? null),
    };
    const cache = new BundleCacheService({ bundleCacheDir: dir } as ServerConfig, repository as unknown as BundleRepository);
    return { cache, repository, shas: [...bySha.keys()] };
  };

  it('fetches the recent bundles ahead, one after the other, so that a job finds its bundle without a fetch', async () => {
    const { cache, repository, shas } = cacheWith([bytesOf(1), bytesOf(2)]);
    cache.prefetchRecent();
    await vi.waitFor(() => expect(repository.bySha).toHaveBeenCalledTimes(2));
    const entry = await cache.entryPath(shas[1]!);
    expect(entry.endsWith('index.mjs')).toBe(true);
    await cache.entryPath(shas[0]!);
    expect(repository.bySha).toHaveBeenCalledTimes(2);
    expect(repository.recentLatest).toHaveBeenCalledWith(8, 8 * 1024 * 1024);
  });

  it('shares a fetch in flight with a job that asks for the same bundle meanwhile', async () => {
    const { cache, repository, shas } = cacheWith([bytesOf(3)]);
    cache.prefetchRecent();
    await vi.waitFor(() => expect(repository.bySha).toHaveBeenCalledTimes(1));
    await cache.entryPath(shas[0]!);
    expect(repository.bySha).toHaveBeenCalledTimes(1);
  });
});
