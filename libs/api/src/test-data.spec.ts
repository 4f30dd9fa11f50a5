import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runJobForTest } from './testing';
import type { Job } from './types';

const digest: Job<{ name: string }> = {
  async runJob(ctx, config) {
    const bytes = await ctx.data.read(config.name);
    const file = await ctx.data.path(config.name);
    return { length: bytes.length, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), file };
  },
};

describe('runJobForTest data option', () => {
  it('serves ctx.data.read and ctx.data.path from the given files, removing the temp files after', async () => {
    const outcome = await runJobForTest(digest, { name: 'in-1.dat' }, { data: { 'in-1.dat': 'abc' } });
    expect(outcome).toMatchObject({
      status: 'OK',
      result: { length: 3, sha256: createHash('sha256').update('abc').digest('hex') },
    });
    expect(existsSync((outcome as { result: { file: string } }).result.file)).toBe(false);
  });

  it('rejects an unknown filename with a clear error', async () => {
    const outcome = await runJobForTest(digest, { name: 'nope.dat' });
    expect(outcome).toMatchObject({ status: 'ERROR', error: { message: 'data file nope.dat not found' } });
  });
});
