import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_NODE_FLAGS } from '@jobserver/config';

const repoRoot = path.resolve(__dirname, '../../../..');
let dir: string;
let bundle: string;

/** A thread that allocates short-lived objects, then tells its young generation's size in MiB. */
const ALLOCATING_THREAD = `
  const { parentPort } = require('node:worker_threads');
  let kept = [];
  for (let i = 0; i < 2e6; i++) { kept.push({ i }); if (kept.length > 1e5) kept = []; }
  const young = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  parentPort.postMessage(young.space_size / 2 ** 20);
`;

/** The young generation (MiB) of a thread started in a node process with `flags`, after `uncap` or not. */
function threadYoungGenerationMiB(flags: readonly string[], uncap: boolean): number {
  const script = `
    if (${uncap}) require(${JSON.stringify(bundle)}).uncapThreadsYoungGeneration();
    const { Worker } = require('node:worker_threads');
    new Worker(${JSON.stringify(ALLOCATING_THREAD)}, { eval: true }).once('message', (mib) => console.log(mib));
  `;
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }).trim());
}

describe('uncapThreadsYoungGeneration', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'young-generation-'));
    bundle = path.join(dir, 'young-generation.js');
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'young-generation.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
      alias: { '@jobserver/config': path.join(repoRoot, 'libs/config/src/index.ts') },
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('caps a thread too while the launcher flags are in force (why the worker uncaps)', () => {
    expect(threadYoungGenerationMiB(WORKER_NODE_FLAGS, false)).toBeLessThanOrEqual(2);
  });

  it("gives the executor thread V8's default young generation back in a worker started with the launcher flags", () => {
    expect(threadYoungGenerationMiB(WORKER_NODE_FLAGS, true)).toBeGreaterThan(2);
  });
});
