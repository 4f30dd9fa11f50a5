import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataCache } from '../data/data-cache';
import { Executor } from './executor';
import { buildExecutorThread } from './executor-thread.testing';

/** `ctx.data` on a real executor thread, answered by a real DataCache over an in-memory store. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-data-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const jobs = path.join(tmp, 'jobs.mjs');
const bytes = Buffer.from('x,y\n1,2\n'.repeat(1000));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const JOBS = `
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
const sha = (b) => createHash('sha256').update(b).digest('hex');
export const Digest = { async runJob(ctx, config) {
  const read = await ctx.data.read(config.name);
  const file = await ctx.data.path(config.name);
  return { readSha: sha(read), readLength: read.length, pathSha: sha(readFileSync(file)), file };
} };
export const Missing = { runJob: (ctx) => ctx.data.read('nope.dat') };
`;

const store = {
  find: (name: string) => Promise.resolve(name === 'in.dat' ? { sha256: sha(bytes), size: bytes.length } : null),
  async *chunks() {
    yield bytes.subarray(0, 100);
    yield bytes.subarray(100);
  },
};

beforeAll(async () => {
  fs.writeFileSync(jobs, JOBS);
  await buildExecutorThread(threadFile);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('Executor ctx.data', () => {
  it('reads a data file by ctx.data.read and ctx.data.path, and releases it when the job ends', async () => {
    const cache = new DataCache(path.join(tmp, 'cache'), 1, store);
    const released: string[] = [];
    const data = {
      path: (name: string, jobId: string) => cache.path(name, jobId),
      release: (jobId: string) => {
        released.push(jobId);
        cache.release(jobId);
      },
    };
    const executor = new Executor({ contextName: 'c', settings: {}, maxResultSize: 100_000, threadFile, data });
    await executor.start();
    try {
      const outcome = await executor.run({ jobId: 'j1', entryPath: jobs, classPath: 'Digest', config: { name: 'in.dat' } });
      expect(outcome.kind).toBe('finished');
      const result = JSON.parse((outcome as { result: string }).result) as Record<string, unknown>;
      expect(result).toMatchObject({ readSha: sha(bytes), readLength: bytes.length, pathSha: sha(bytes) });
      expect(released).toEqual(['j1']);
      const missing = await executor.run({ jobId: 'j2', entryPath: jobs, classPath: 'Missing', config: {} });
      expect(missing).toMatchObject({ kind: 'failed', error: { message: 'data file nope.dat not found', errorClass: 'Error' } });
      // Over maxBytes (1 byte) and released: evicted.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fs.existsSync(result.file as string)).toBe(false);
    } finally {
      await executor.stop();
    }
  });

  it('gives console statements `data` too', async () => {
    const cache = new DataCache(path.join(tmp, 'cache-statements'), 1000, store);
    const data = { path: (name: string, jobId: string) => cache.path(name, jobId), release: (jobId: string) => cache.release(jobId) };
    const executor = new Executor({ contextName: 'c', settings: {}, maxResultSize: 100_000, threadFile, data });
    await executor.start();
    try {
      const request = { jobId: 's1', executionCount: 0, code: "(await data.read('in.dat')).length", maxOutputBytes: 1000 };
      const outcome = await executor.runStatement(request, { load: () => Promise.reject(new Error('no')) });
      expect(outcome).toMatchObject({ kind: 'statement', output: { status: 'ok', data: { 'text/plain': String(bytes.length) } } });
    } finally {
      await executor.stop();
    }
  });

  it('rejects every file when the executor has no data cache', async () => {
    const executor = new Executor({ contextName: 'c', settings: {}, maxResultSize: 1000, threadFile });
    await executor.start();
    try {
      const outcome = await executor.run({ jobId: 'j3', entryPath: jobs, classPath: 'Missing', config: {} });
      expect(outcome).toMatchObject({ kind: 'failed', error: { message: 'data file nope.dat not found' } });
    } finally {
      await executor.stop();
    }
  });
});
