import { createHash } from 'node:crypto';
import { goesThroughSymlink, symlinkStaysInside } from './archive.entry';
import { readArchiveEntries } from './archive.reader';
import { InvalidBundle, type BundleInfo, type BundleType } from './bundle.types';
import { inspectJavaScript } from './javascript.inspect';
import { findPackageRoot, resolvePackageEntry } from './package-entry.resolver';

const MANIFEST_PATH = /^([^/]+\/)?package\.json$/;

/**
 * Sniffs the packaging format from the leading bytes: zip magic (PK\x03\x04 or PK\x05\x06),
 * gzip magic (1f 8b), else JavaScript source.
 *
 * @param bytes - the bundle
 */
export function sniffBundleType(bytes: Buffer): BundleType {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    if ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6)) {
      return 'zip';
    }
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return 'tgz';
  }
  return 'js';
}

async function inspectArchive(bytes: Buffer, type: Exclude<BundleType, 'js'>): Promise<BundleInfo> {
  const paths: string[] = [];
  const files = new Set<string>();
  const symlinks = new Set<string>();
  const manifests = new Map<string, string>();
  for await (const entry of readArchiveEntries(bytes, type)) {
    if (entry.kind === 'symlink' && !symlinkStaysInside(entry.path, entry.linkTarget ?? '')) {
      throw new InvalidBundle(`archive symlink '${entry.path}' points outside the package folder`);
    }
    paths.push(entry.path);
    if (entry.kind === 'symlink') {
      symlinks.add(entry.path);
    }
    if (entry.kind === 'directory') {
      continue;
    }
    files.add(entry.path);
    if (entry.kind === 'file' && MANIFEST_PATH.test(entry.path)) {
      manifests.set(entry.path, entry.data.toString('utf8'));
    }
  }
  const through =
    symlinks.size > 0 ? paths.find((path) => goesThroughSymlink(path, symlinks)) : undefined;
  if (through !== undefined) {
    throw new InvalidBundle(`archive entry '${through}' goes through a symlink`);
  }
  const root = findPackageRoot(new Set(manifests.keys()));
  const packageFiles = new Set(
    [...files]
      .filter((path) => path.startsWith(root.prefix))
      .map((path) => path.slice(root.prefix.length)),
  );
  const entry = resolvePackageEntry(manifests.get(root.packageJsonPath) ?? '', packageFiles);
  return { type, entry };
}

/**
 * Sniffs and validates bundle bytes. zip and gzip magic select an archive, which is read fully
 * and must hold a package.json (at the root or in a single top-level folder) whose entry
 * (`exports`, else `main`, else index.js) exists. Anything else must be non-empty UTF-8
 * JavaScript that parses as an ES module ('bundle.mjs' when it has import/export declarations)
 * or as a CommonJS script ('bundle.cjs').
 *
 * @param bytes - the uploaded bundle
 * @returns the bundle type and its entry file
 * @throws InvalidBundle with a human reason when the bytes are not a usable bundle
 */
export async function inspectBundle(bytes: Buffer): Promise<BundleInfo> {
  const type = sniffBundleType(bytes);
  return type === 'js' ? inspectJavaScript(bytes) : inspectArchive(bytes, type);
}

/**
 * Hashes bundle bytes.
 *
 * @param bytes - the bundle
 * @returns the lowercase hex SHA-256 digest
 */
export function bundleSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
