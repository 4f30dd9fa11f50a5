import { crc32 } from 'node:zlib';
import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl';
import { ArchiveLimits, normalizeEntryPath, type ArchiveEntry } from './archive.entry';
import { InvalidBundle, MAX_ARCHIVE_ENTRIES } from './bundle.types';

const UNIX_CREATOR = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function corrupt(error: unknown): InvalidBundle {
  if (error instanceof InvalidBundle) {
    return error;
  }
  const detail = error instanceof Error ? error.message : String(error);
  if (/^(absolute path|invalid relative path)/.test(detail)) {
    return new InvalidBundle(`zip archive entry escapes the package folder (${detail})`, {
      cause: error,
    });
  }
  return new InvalidBundle(`zip archive is corrupt (${detail})`, { cause: error });
}

async function readData(zipfile: ZipFile, entry: Entry): Promise<Buffer> {
  const stream = await zipfile.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  const data = Buffer.concat(chunks);
  if (crc32(data) !== entry.crc32) {
    throw new InvalidBundle(`zip archive is corrupt (CRC mismatch for '${entry.fileName}')`);
  }
  return data;
}

function unixMode(entry: Entry): number | undefined {
  return entry.versionMadeBy >> 8 === UNIX_CREATOR
    ? (entry.externalFileAttributes >>> 16) & 0xffff
    : undefined;
}

async function toArchiveEntry(zipfile: ZipFile, entry: Entry): Promise<ArchiveEntry> {
  const path = normalizeEntryPath(entry.fileName);
  const mode = unixMode(entry);
  if (entry.fileName.endsWith('/')) {
    return { path, kind: 'directory', mode, data: Buffer.alloc(0) };
  }
  const data = await readData(zipfile, entry);
  if (mode !== undefined && (mode & S_IFMT) === S_IFLNK) {
    return {
      path,
      kind: 'symlink',
      mode,
      data: Buffer.alloc(0),
      linkTarget: data.toString('utf8'),
    };
  }
  return { path, kind: 'file', mode, data };
}

/**
 * Reads every member of a zip archive, verifying sizes and CRCs and enforcing the zip-bomb limits.
 *
 * @param bytes - the zip archive
 * @throws InvalidBundle when the archive is corrupt, too large or has an escaping entry path
 */
export async function* readZipEntries(bytes: Buffer): AsyncGenerator<ArchiveEntry> {
  let zipfile: ZipFile;
  try {
    zipfile = await fromBufferPromise(bytes, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw corrupt(error);
  }
  try {
    if (zipfile.entryCount > MAX_ARCHIVE_ENTRIES) {
      throw new InvalidBundle(`archive has more than ${MAX_ARCHIVE_ENTRIES} entries`);
    }
    const limits = new ArchiveLimits();
    const entries = zipfile.eachEntry();
    for (;;) {
      let next: IteratorResult<Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw corrupt(error);
      }
      if (next.done) {
        return;
      }
      limits.add(next.value.uncompressedSize);
      let entry: ArchiveEntry;
      try {
        entry = await toArchiveEntry(zipfile, next.value);
      } catch (error) {
        throw corrupt(error);
      }
      yield entry;
    }
  } finally {
    zipfile.close();
  }
}
