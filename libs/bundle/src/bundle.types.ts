/** How a bundle is packaged: a single JavaScript file, a zip archive or a gzipped tar archive. */
export type BundleType = 'js' | 'zip' | 'tgz';

/** What {@link inspectBundle} learned about a bundle. */
export interface BundleInfo {
  /** The packaging format sniffed from the bytes. */
  type: BundleType;
  /**
   * js: 'bundle.mjs' or 'bundle.cjs' (module format detected); archives: the entry file path
   * relative to the package folder, posix separators.
   */
  entry: string;
}

/**
 * Thrown for anything that is not a usable bundle. The message is a human reason, e.g.
 * 'zip archive is corrupt' or 'JavaScript does not parse: Unexpected token (3:5)'.
 */
export class InvalidBundle extends Error {
  override name = 'InvalidBundle';

  /**
   * @param message - a human-readable reason why the bundle is unusable
   * @param options - standard error options (e.g. the underlying `cause`)
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Upper bound of the total uncompressed size of an archive's files (zip-bomb guard). */
export const MAX_ARCHIVE_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;

/** Upper bound of the number of entries in an archive (zip-bomb guard). */
export const MAX_ARCHIVE_ENTRIES = 20_000;
