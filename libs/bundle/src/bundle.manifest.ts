import { createHash } from 'node:crypto';
import { chmod, lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeEntryPath, type ArchiveEntry } from './archive.entry';
import { readArchiveEntries } from './archive.reader';
import type { BundleInfo } from './bundle.types';
import { findPackageRoot } from './package-entry.resolver';

/**
 * What an extracted bundle folder must hold: relative posix path → `sha256:<hex>` of a file's
 * bytes, or `symlink:<target>` of a symbolic link. Folders are implied by their contents.
 */
export type BundleManifest = ReadonlyMap<string, string>;

const MANIFEST_PATH = /^([^/]+\/)?package\.json$/;

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Collects the manifest of an archive from its members, as they are read (never from disk). */
export class ManifestBuilder {
  private readonly entries = new Map<string, string>();

  add(entry: ArchiveEntry): void {
    if (entry.path === '') return;
    if (entry.kind === 'file') this.entries.set(entry.path, sha256(entry.data));
    else if (entry.kind === 'symlink') this.entries.set(entry.path, `symlink:${entry.linkTarget ?? ''}`);
    else if (entry.kind === 'hardlink') {
      const source = this.entries.get(entry.linkTarget ?? '');
      if (source !== undefined) this.entries.set(entry.path, source);
    }
  }

  /** The manifest of the folder `prefix` ('' or 'pkg/'), paths relative to it. */
  under(prefix: string): BundleManifest {
    const manifest = new Map<string, string>();
    for (const [path, digest] of this.entries) {
      if (path.startsWith(prefix)) manifest.set(path.slice(prefix.length), digest);
    }
    return manifest;
  }
}

/**
 * The manifest of a bundle computed from its bytes alone: a JavaScript bundle is its entry file
 * with the bytes' sha256; an archive is every member under its package folder.
 *
 * @param bytes - the bundle, as validated by inspectBundle
 * @param info - the result of inspectBundle for these bytes
 * @throws InvalidBundle when the archive is unusable
 */
export async function bundleManifest(bytes: Buffer, info: BundleInfo): Promise<BundleManifest> {
  if (info.type === 'js') return new Map([[normalizeEntryPath(info.entry), sha256(bytes)]]);
  const builder = new ManifestBuilder();
  const packageJsons = new Set<string>();
  for await (const entry of readArchiveEntries(bytes, info.type)) {
    builder.add(entry);
    if (entry.kind === 'file' && MANIFEST_PATH.test(entry.path)) packageJsons.add(entry.path);
  }
  return builder.under(findPackageRoot(packageJsons).prefix);
}

/**
 * Compares a bundle folder with its manifest: every listed file must have its digest, every
 * listed symlink its target, and nothing else may exist (a planted `foo` would be resolved before
 * `foo.js`).
 *
 * @param dir - the extracted bundle folder
 * @param manifest - what it must hold
 * @returns what differs, e.g. `changed: index.js`, `extra: helper`, `missing: a.js`; empty when it matches
 */
export async function verifyBundleFolder(dir: string, manifest: BundleManifest): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = async (relative: string): Promise<void> => {
    const absolute = relative === '' ? dir : join(dir, ...relative.split('/'));
    const children = await readdir(absolute, { withFileTypes: true });
    for (const child of children) {
      const path = relative === '' ? child.name : `${relative}/${child.name}`;
      const location = join(absolute, child.name);
      if (child.isDirectory()) {
        await visit(path);
        continue;
      }
      const expected = manifest.get(path);
      if (expected === undefined) {
        problems.push(`extra: ${path}`);
        continue;
      }
      seen.add(path);
      const actual = child.isSymbolicLink()
        ? `symlink:${await readlink(location)}`
        : child.isFile()
          ? sha256(await readFile(location))
          : `special file`;
      if (actual !== expected) problems.push(`changed: ${path}`);
    }
  };
  try {
    await visit('');
  } catch (error) {
    problems.push(`unreadable: ${(error as Error).message}`);
  }
  for (const path of manifest.keys()) if (!seen.has(path)) problems.push(`missing: ${path}`);
  return problems;
}

/**
 * Makes a folder tree read-only (files 0444, or 0555 when executable; folders 0555), children
 * first. Symlinks are left alone. A process of the same user can undo this: it only stops
 * accidents, {@link verifyBundleFolder} is what protects.
 */
export async function makeReadOnly(dir: string): Promise<void> {
  await setModes(dir, (mode) => ((mode & 0o111) !== 0 ? 0o555 : 0o444), 0o555);
}

/** Makes a read-only tree writable again (files 0644, folders 0755), so that it can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  await setModes(dir, () => 0o644, 0o755);
}

async function setModes(dir: string, fileMode: (mode: number) => number, dirMode: number): Promise<void> {
  const stat = await lstat(dir);
  if (!stat.isDirectory()) return;
  // The folder must be writable and searchable while its children change.
  await chmod(dir, 0o755);
  for (const child of await readdir(dir, { withFileTypes: true })) {
    const location = join(dir, child.name);
    if (child.isDirectory()) await setModes(location, fileMode, dirMode);
    else if (child.isFile()) await chmod(location, fileMode((await lstat(location)).mode));
  }
  await chmod(dir, dirMode);
}
