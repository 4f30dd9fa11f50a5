import { posix } from 'node:path';
import { InvalidBundle, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_UNCOMPRESSED_BYTES } from './bundle.types';

/** Kind of an archive member that the bundle code understands. */
export type ArchiveEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink';

/** One member of a zip or tar archive, fully read. */
export interface ArchiveEntry {
  /** Normalized relative posix path, without leading './' or trailing '/'. */
  path: string;
  kind: ArchiveEntryKind;
  /** Unix permission bits, when the archive records them. */
  mode?: number;
  /** Contents of a file (empty for other kinds). */
  data: Buffer;
  /** Target of a symlink (as stored) or of a hardlink (normalized archive path). */
  linkTarget?: string;
}

/**
 * Normalizes an archive member path and refuses paths that would escape the extraction folder.
 *
 * @param raw - the path as stored in the archive
 * @returns the normalized relative posix path ('' for the archive root)
 * @throws InvalidBundle for absolute paths, drive letters, NUL bytes or '..' segments
 */
export function normalizeEntryPath(raw: string): string {
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.includes('\0') || slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) {
    throw new InvalidBundle(`archive entry '${raw}' has an absolute path`);
  }
  if (slashed.split('/').includes('..')) {
    throw new InvalidBundle(`archive entry '${raw}' escapes the package folder`);
  }
  const normalized = posix.normalize(slashed).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized.replace(/^\.\//, '');
}

/** Counts entries and uncompressed bytes of an archive and enforces the zip-bomb limits. */
export class ArchiveLimits {
  private entries = 0;
  private bytes = 0;

  /**
   * Accounts for one more entry.
   *
   * @param uncompressedSize - the entry's (declared) uncompressed size in bytes
   * @throws InvalidBundle when a limit is exceeded
   */
  add(uncompressedSize: number): void {
    this.entries += 1;
    this.bytes += uncompressedSize;
    if (this.entries > MAX_ARCHIVE_ENTRIES) {
      throw new InvalidBundle(`archive has more than ${MAX_ARCHIVE_ENTRIES} entries`);
    }
    if (this.bytes > MAX_ARCHIVE_UNCOMPRESSED_BYTES) {
      throw new InvalidBundle(
        `archive uncompresses to more than ${MAX_ARCHIVE_UNCOMPRESSED_BYTES / 1024 / 1024} MiB`,
      );
    }
  }
}

/**
 * Tells whether a symlink stored at `path` with target `target` stays inside the package folder,
 * judged lexically (the extractor additionally checks the real paths once everything is written).
 *
 * @param path - normalized archive path of the symlink
 * @param target - the link target as stored
 */
export function symlinkStaysInside(path: string, target: string): boolean {
  if (
    target === '' ||
    target.includes('\0') ||
    target.startsWith('/') ||
    /^[a-zA-Z]:/.test(target)
  ) {
    return false;
  }
  const resolved = posix.normalize(posix.join(posix.dirname(path), target.replace(/\\/g, '/')));
  return resolved !== '..' && !resolved.startsWith('../');
}

/**
 * Tells whether an archive path goes through one of the archive's symlinks (e.g. 'link/file'
 * when 'link' is a symlink); such entries could be written outside the package folder.
 *
 * @param path - normalized archive path
 * @param symlinks - normalized archive paths of the symlinks
 */
export function goesThroughSymlink(
  path: string,
  symlinks: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i += 1) {
    if (symlinks.has(parts.slice(0, i).join('/'))) {
      return true;
    }
  }
  return false;
}
