import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * Bundles the executor thread's entry from source into `outfile` (CommonJS), with the libs it
 * imports taken from their sources, so that specs run the thread as it is in the tree.
 */
export async function buildExecutorThread(outfile: string): Promise<void> {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'executor.thread.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
    alias: {
      '@jobserver/api': path.join(repoRoot, 'libs/api/src/index.ts'),
      '@jobserver/protocol': path.join(repoRoot, 'libs/protocol/src/index.ts'),
    },
  });
}
