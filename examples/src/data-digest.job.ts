import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { invalid, valid, type Job } from '@jobserver/api';

interface DataDigestConfig {
  /** A filename as `POST /data/<prefix>` answered it. */
  filename?: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads an uploaded data file both ways (`ctx.data.read` and the file at `ctx.data.path`) and
 * returns its length and sha256 as each way saw it.
 */
export const DataDigestExample: Job<DataDigestConfig> = {
  validate: (_ctx, config) => (typeof config.filename === 'string' ? valid() : invalid('No filename config param')),
  async runJob(ctx, config) {
    const filename = config.filename!;
    const bytes = await ctx.data.read(filename);
    const fromPath = await readFile(await ctx.data.path(filename));
    return { length: bytes.length, sha256: sha256(bytes), pathLength: fromPath.length, pathSha256: sha256(fromPath) };
  },
};
