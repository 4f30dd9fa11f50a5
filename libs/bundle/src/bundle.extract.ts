import {
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

/** Extracts an archive into `staging` and returns the folder holding package.json. */
async function extractArchive(
  bytes: Buffer,
  type: Exclude<BundleType, 'js'>,
  staging: string,
): Promise<string> {
  const writer = new ArchiveWriter(staging);
  for await (const entry of readArchiveEntries(bytes, type)) {
    await writer.write(entry);
  }
  await writer.finish();
  const root = findPackageRoot(writer.manifests());
  return root.prefix === '' ? staging : toDisk(staging, root.prefix.slice(0, -1));
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

/**
 * Writes a bundle into `dir` (created if missing) and returns the absolute path of its entry
 * file, ready for `import()`. A JavaScript bundle is written as dir/<info.entry>; an archive is
 * extracted under dir, stripping the single top-level folder that holds package.json. Entries
 * escaping dir (absolute paths, '..', symlinks pointing outside) are refused.
 *
 * Everything is written to a temporary folder next to `dir` and renamed into place atomically,
 * so concurrent extractors of the same bundle are safe: when `dir` already holds the entry
 * (a previous extraction, or a lost race) it is used as is.
 *
 * @param bytes - the bundle, as validated by {@link inspectBundle}
 * @param info - the result of {@link inspectBundle} for these bytes
 * @param dir - the destination folder, ideally unique per bundle content (e.g. its sha256)
 * @returns the absolute path of the entry file
 * @throws InvalidBundle when the archive is unusable or has escaping entries
 */
export async function extractBundle(bytes: Buffer, info: BundleInfo, dir: string): Promise<string> {
  const relativeEntry = normalizeEntryPath(info.entry);
  if (relativeEntry === '') {
    throw new InvalidBundle('bundle entry is empty');
  }
  const target = resolve(dir);
  const entryPath = toDisk(target, relativeEntry);
  if (await exists(entryPath)) {
    return entryPath;
  }
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    let packageRoot = staging;
    if (info.type === 'js') {
      await writeFile(toDisk(staging, relativeEntry), bytes);
    } else {
      packageRoot = await extractArchive(bytes, info.type, staging);
      if (!(await exists(toDisk(packageRoot, relativeEntry)))) {
        throw new InvalidBundle(`bundle entry '${info.entry}' is not in the archive`);
      }
    }
    const published = await publish(packageRoot, target);
    if (!published && !(await exists(entryPath))) {
      throw new Error(`cannot extract bundle: '${target}' already exists without '${info.entry}'`);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entryPath;
}
