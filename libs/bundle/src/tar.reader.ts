import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import {
  ArchiveLimits,
  normalizeEntryPath,
  type ArchiveEntry,
  type ArchiveEntryKind,
} from './archive.entry';
import { InvalidBundle, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_UNCOMPRESSED_BYTES } from './bundle.types';

/** Cap on the decompressed tar stream: file data plus generous room for headers and padding. */
const MAX_TAR_STREAM_BYTES =
  MAX_ARCHIVE_UNCOMPRESSED_BYTES + (MAX_ARCHIVE_ENTRIES + 2) * 2048 + 64 * 1024 * 1024;
/** Parsed entries buffered ahead of the consumer before decompression pauses. */
const HIGH_WATER_ENTRIES = 64;

const KINDS: Partial<Record<ReadEntry['type'], ArchiveEntryKind>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
};

function detail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads every member of a gzipped tar archive, enforcing the zip-bomb limits. Entry types other
 * than files, directories, symlinks and hardlinks (devices, FIFOs, ...) are skipped.
 *
 * @param bytes - the gzipped tar archive
 * @throws InvalidBundle when the archive is corrupt, too large or has an escaping entry path
 */
export async function* readTgzEntries(bytes: Buffer): AsyncGenerator<ArchiveEntry> {
  const queue: ArchiveEntry[] = [];
  const limits = new ArchiveLimits();
  const gunzip = createGunzip();
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  let failure: unknown;
  let finished = false;
  let streamBytes = 0;
  let wake: (() => void) | undefined;

  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    gunzip.destroy();
    notify();
  };

  parser.on('entry', (entry: ReadEntry) => {
    let kind: ArchiveEntryKind | undefined;
    let path: string;
    let linkTarget: string | undefined;
    try {
      limits.add(entry.size);
      kind = KINDS[entry.type];
      path = normalizeEntryPath(entry.path);
      linkTarget = kind === 'hardlink' ? normalizeEntryPath(entry.linkpath ?? '') : entry.linkpath;
    } catch (error) {
      entry.resume();
      fail(error);
      return;
    }
    if (kind === undefined || failure !== undefined) {
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => {
      queue.push({ path, kind, mode: entry.mode, data: Buffer.concat(chunks), linkTarget });
      if (queue.length >= HIGH_WATER_ENTRIES) {
        gunzip.pause();
      }
      notify();
    });
  });
  parser.on('error', (error: unknown) =>
    fail(new InvalidBundle(`tgz archive is corrupt (${detail(error)})`, { cause: error })),
  );
  parser.on('end', () => {
    finished = true;
    notify();
  });
  gunzip.on('data', (chunk: Buffer) => {
    if (streamBytes === 0 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
      fail(new InvalidBundle('tgz archive is corrupt (gzip inside gzip is not a tar)'));
      return;
    }
    streamBytes += chunk.length;
    if (streamBytes > MAX_TAR_STREAM_BYTES) {
      fail(new InvalidBundle(`archive uncompresses to more than ${MAX_TAR_STREAM_BYTES} bytes`));
      return;
    }
    try {
      parser.write(chunk);
    } catch (error) {
      fail(
        error instanceof InvalidBundle
          ? error
          : new InvalidBundle(`tgz archive is corrupt (${detail(error)})`),
      );
    }
  });
  gunzip.on('end', () => parser.end());
  gunzip.on('error', (error: unknown) =>
    fail(new InvalidBundle(`tgz archive is corrupt (gzip: ${detail(error)})`, { cause: error })),
  );
  gunzip.end(bytes);

  try {
    for (;;) {
      if (failure !== undefined) {
        throw failure;
      }
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (finished) {
        return;
      }
      gunzip.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    gunzip.destroy();
  }
}
