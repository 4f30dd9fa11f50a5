import type { ArchiveEntry } from './archive.entry';
import type { BundleType } from './bundle.types';
import { readTgzEntries } from './tar.reader';
import { readZipEntries } from './zip.reader';

/**
 * Reads every member of a zip or gzipped tar archive.
 *
 * @param bytes - the archive
 * @param type - its format
 * @throws InvalidBundle when the archive is corrupt, too large or has an escaping entry path
 */
export function readArchiveEntries(
  bytes: Buffer,
  type: Exclude<BundleType, 'js'>,
): AsyncGenerator<ArchiveEntry> {
  return type === 'zip' ? readZipEntries(bytes) : readTgzEntries(bytes);
}
