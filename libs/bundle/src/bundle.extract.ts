import { randomBytes } from 'node:crypto';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import {
  goesThroughSymlink,
  normalizeEntryPath,
  symlinkStaysInside,
  type ArchiveEntry,
} from './archive.entry';
import { readArchiveEntries } from './archive.reader';
import {
  bundleManifest,
  makeReadOnly,
  makeWritable,
  ManifestBuilder,
  verifyBundleFolder,
  type BundleManifest,
} from './bundle.manifest';
import { InvalidBundle, type BundleInfo, type BundleType } from './bundle.types';
import { findPackageRoot } from './package-entry.resolver';

const MANIFEST_PATH = /^([^/]+\/)?package\.json$/;
const CONFLICT_CODES = new Set(['EEXIST', 'EISDIR', 'ENOTDIR']);
const LOST_RACE_CODES = new Set(['EEXIST', 'ENOTEMPTY', 'EPERM']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
      return false;
    }
    throw error;
  }
}

function toDisk(root: string, path: string): string {
  return join(root, ...path.split('/'));
}

function fileMode(mode: number | undefined): number {
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}

/** Writes archive members under a staging folder, refusing anything that would escape it. */
class ArchiveWriter {
  private readonly files = new Set<string>();
  private readonly symlinks = new Map<string, string>();
  /** Digests taken from the members' bytes as they are written, not read back from disk. */
  readonly manifest = new ManifestBuilder();

  constructor(private readonly root: string) {}

  /** Package.json files written at depth 0 or 1. */
  manifests(): Set<string> {
    return new Set([...this.files].filter((path) => MANIFEST_PATH.test(path)));
  }

  async write(entry: ArchiveEntry): Promise<void> {
    if (entry.path === '') {
      if (entry.kind === 'directory') {
        return;
      }
      throw new InvalidBundle('archive has an entry without a name');
    }
    if (goesThroughSymlink(entry.path, this.symlinks)) {
      throw new InvalidBundle(`archive entry '${entry.path}' goes through a symlink`);
    }
    const target = toDisk(this.root, entry.path);
    this.manifest.add(entry);
    try {
      await this.writeEntry(entry, target);
    } catch (error) {
      const code = errorCode(error);
      if (code !== undefined && CONFLICT_CODES.has(code)) {
        throw new InvalidBundle(`archive entries conflict at '${entry.path}'`, { cause: error });
      }
      throw error;
    }
  }

  /** Creates the deferred symlinks, then checks that each resolves inside the root. */
  async finish(): Promise<void> {
    for (const [path, target] of this.symlinks) {
      const location = toDisk(this.root, path);
      await mkdir(dirname(location), { recursive: true });
      try {
        await symlink(target, location);
      } catch (error) {
        if (errorCode(error) === 'EEXIST') {
          throw new InvalidBundle(`archive entries conflict at '${path}'`, { cause: error });
        }
        throw error;
      }
    }
    const realRoot = await realpath(this.root);
    for (const path of this.symlinks.keys()) {
      let real: string;
      try {
        real = await realpath(toDisk(this.root, path));
      } catch {
        throw new InvalidBundle(`archive symlink '${path}' points outside the package folder`);
      }
      if (real !== realRoot && !real.startsWith(realRoot + sep)) {
        throw new InvalidBundle(`archive symlink '${path}' points outside the package folder`);
      }
    }
  }

  private async writeEntry(entry: ArchiveEntry, target: string): Promise<void> {
    switch (entry.kind) {
      case 'directory':
        await mkdir(target, { recursive: true });
        return;
      case 'file':
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, entry.data, { mode: fileMode(entry.mode) });
        this.files.add(entry.path);
        return;
      case 'hardlink': {
        const source = entry.linkTarget ?? '';
        if (!this.files.has(source)) {
          throw new InvalidBundle(
            `archive hardlink '${entry.path}' does not point to an earlier file`,
          );
        }
        await mkdir(dirname(target), { recursive: true });
        await copyFile(toDisk(this.root, source), target);
        this.files.add(entry.path);
        return;
      }
      case 'symlink': {
        const linkTarget = entry.linkTarget ?? '';
        if (!symlinkStaysInside(entry.path, linkTarget)) {
          throw new InvalidBundle(
            `archive symlink '${entry.path}' points outside the package folder`,
          );
        }
        this.symlinks.set(entry.path, linkTarget);
        return;
      }
    }
  }
}

/** Extracts an archive into `staging`; returns the folder holding package.json and its manifest. */
async function extractArchive(
  bytes: Buffer,
  type: Exclude<BundleType, 'js'>,
  staging: string,
): Promise<{ packageRoot: string; manifest: BundleManifest }> {
  const writer = new ArchiveWriter(staging);
  for await (const entry of readArchiveEntries(bytes, type)) {
    await writer.write(entry);
  }
  await writer.finish();
  const root = findPackageRoot(writer.manifests());
  const packageRoot = root.prefix === '' ? staging : toDisk(staging, root.prefix.slice(0, -1));
  return { packageRoot, manifest: writer.manifest.under(root.prefix) };
}

/** Moves a fully written folder to `target`; returns false when another extractor won the race. */
async function publish(folder: string, target: string): Promise<boolean> {
  try {
    await rename(folder, target);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && LOST_RACE_CODES.has(code) && (await exists(target))) {
      return false;
    }
    throw error;
  }
}

/** Moves `target` aside (if it exists) and `folder` into its place, then removes the old one. */
async function replaceFolder(folder: string, target: string, manifest: BundleManifest): Promise<void> {
  const old = `${target}.old-${randomBytes(6).toString('hex')}`;
  try {
    await rename(target, old);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  try {
    if (!(await publish(folder, target)) && (await verifyBundleFolder(target, manifest)).length > 0) {
      throw new Error(`cannot extract bundle: '${target}' was replaced by something else meanwhile`);
    }
  } finally {
    if (await exists(old)) {
      await makeWritable(old);
      await rm(old, { recursive: true, force: true });
    }
  }
}

/** Where {@link writeBundle} put a bundle. */
export interface WrittenBundle {
  /** Absolute path of the entry file, ready for `import()`. */
  entryPath: string;
  /** What the bundle folder holds, computed from the bytes (never read back from the folder). */
  manifest: BundleManifest;
}

/**
 * Writes a bundle into `dir` (created if missing). A JavaScript bundle is written as
 * dir/<info.entry>; an archive is extracted under dir, stripping the single top-level folder that
 * holds package.json. Entries escaping dir (absolute paths, '..', symlinks pointing outside) are
 * refused. Files are made read-only (0444, 0555 if executable; folders 0555).
 *
 * Everything is written to a temporary folder next to `dir` and renamed into place atomically,
 * so a half-written bundle is never seen and concurrent extractors of the same bundle are safe:
 * when `dir` already holds the entry (a previous extraction, or a lost race) it is used as is,
 * unless `replace` is set (the folder was found tampered with): then it is swapped for a fresh
 * extraction.
 *
 * @param bytes - the bundle, as validated by {@link inspectBundle}
 * @param info - the result of {@link inspectBundle} for these bytes
 * @param dir - the destination folder, ideally unique per bundle content (e.g. its sha256)
 * @param options - `replace`: re-extract even when `dir` holds the entry
 * @returns the entry path and the manifest the folder must match ({@link verifyBundleFolder})
 * @throws InvalidBundle when the archive is unusable or has escaping entries
 */
export async function writeBundle(
  bytes: Buffer,
  info: BundleInfo,
  dir: string,
  options: { replace?: boolean } = {},
): Promise<WrittenBundle> {
  const relativeEntry = normalizeEntryPath(info.entry);
  if (relativeEntry === '') {
    throw new InvalidBundle('bundle entry is empty');
  }
  const target = resolve(dir);
  const entryPath = toDisk(target, relativeEntry);
  if (!options.replace && (await exists(entryPath))) {
    return { entryPath, manifest: await bundleManifest(bytes, info) };
  }
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    let packageRoot = staging;
    let manifest: BundleManifest;
    if (info.type === 'js') {
      await writeFile(toDisk(staging, relativeEntry), bytes);
      manifest = await bundleManifest(bytes, info);
    } else {
      ({ packageRoot, manifest } = await extractArchive(bytes, info.type, staging));
      if (!(await exists(toDisk(packageRoot, relativeEntry)))) {
        throw new InvalidBundle(`bundle entry '${info.entry}' is not in the archive`);
      }
    }
    await makeReadOnly(packageRoot);
    // Renaming a folder to another parent updates its '..': it must stay writable until then.
    await chmod(packageRoot, 0o755);
    if (options.replace) {
      await replaceFolder(packageRoot, target, manifest);
    } else if (!(await publish(packageRoot, target)) && !(await exists(entryPath))) {
      throw new Error(`cannot extract bundle: '${target}' already exists without '${info.entry}'`);
    }
    await chmod(target, 0o555).catch(() => undefined);
    return { entryPath, manifest };
  } finally {
    // Left behind by a lost race or a failure: read-only folders must be writable to be removed.
    if (await exists(staging)) await makeWritable(staging).catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * {@link writeBundle} without the manifest.
 *
 * @returns the absolute path of the entry file
 * @throws InvalidBundle when the archive is unusable or has escaping entries
 */
export async function extractBundle(bytes: Buffer, info: BundleInfo, dir: string): Promise<string> {
  return (await writeBundle(bytes, info, dir)).entryPath;
}
