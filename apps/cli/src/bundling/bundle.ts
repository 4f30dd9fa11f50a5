import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { usageError } from '../cli.error';

/** What `upload` sends: the bytes, and how they were made. */
export interface BundleSource {
  bytes: Uint8Array;
  /** The file uploaded as is, or the entry esbuild bundled. */
  from: string;
  bundled: boolean;
}

/** Files uploaded as they are: a JavaScript module, a zip or a gzipped tar. */
const AS_IS = /\.(m?js|cjs|zip|tgz|tar\.gz)$/i;
const TYPESCRIPT = /\.(m?ts|cts|tsx)$/i;
/** Where a folder's entry is looked for, in order, before its package.json's `main`. */
const ENTRIES = ['src/index.ts', 'src/index.mts', 'src/index.js', 'src/index.mjs', 'index.ts', 'index.mts', 'index.js', 'index.mjs'];

/**
 * The bytes to upload for `<file|folder>`: a `.js`/`.mjs`/`.cjs`/`.zip`/`.tgz` file as is; a
 * TypeScript file, or a folder's entry, bundled by esbuild into one ES module for Node 20 (with a
 * `require` for the CommonJS packages it pulls in).
 * @throws CliError (exit 2) for a missing path, a folder without an entry, or a build error
 */
export async function bundleSource(target: string): Promise<BundleSource> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw usageError(`${target}: no such file or folder`);
  if (info.isDirectory()) return bundleEntry(await folderEntry(target));
  if (AS_IS.test(target)) return { bytes: await readFile(target), from: target, bundled: false };
  if (TYPESCRIPT.test(target)) return bundleEntry(target);
  throw usageError(`${target}: upload a .js, .mjs, .cjs, .zip or .tgz file, a .ts entry, or a folder`);
}

/** A folder's entry: src/index.ts, index.ts, … or its package.json `main`. */
export async function folderEntry(folder: string): Promise<string> {
  for (const candidate of ENTRIES) {
    const file = path.join(folder, candidate);
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  }
  const main = await packageMain(folder);
  if (main) return main;
  throw usageError(`${folder} has no entry: looked for ${ENTRIES.join(', ')} and package.json "main"`);
}

async function packageMain(folder: string): Promise<string | undefined> {
  let manifest: { main?: unknown };
  try {
    manifest = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { main?: unknown };
  } catch {
    return undefined;
  }
  if (typeof manifest.main !== 'string') return undefined;
  const main = path.join(folder, manifest.main);
  return (await stat(main).catch(() => undefined))?.isFile() ? main : undefined;
}

async function bundleEntry(entry: string): Promise<BundleSource> {
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      // CommonJS dependencies call require(): give the ES module one.
      banner: { js: "import { createRequire as __jobserverRequire } from 'node:module'; const require = __jobserverRequire(import.meta.url);" },
    });
    return { bytes: result.outputFiles[0].contents, from: entry, bundled: true };
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
    if (!errors?.length) throw error;
    const first = errors[0];
    const file = first.location?.file.startsWith('..') ? path.resolve(first.location.file) : first.location?.file;
    const where = first.location ? `${file}:${first.location.line}:${first.location.column}: ` : '';
    throw usageError(`cannot bundle ${entry}: ${where}${first.text}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
  }
}
