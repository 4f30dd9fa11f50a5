import { posix } from 'node:path';
import { InvalidBundle } from './bundle.types';

/** Conditions tried, in order, when `exports` maps conditions to targets. */
const CONDITIONS = ['require', 'node', 'import', 'default'] as const;
const MAX_CONDITION_DEPTH = 16;
const NO_ENTRY = 'package.json has no resolvable entry (main/exports)';

/** Where the package lives inside an archive. */
export interface PackageRoot {
  /** '' when package.json is at the archive root, else 'folder/'. */
  prefix: string;
  /** Archive path of the package.json file. */
  packageJsonPath: string;
}

/**
 * Locates package.json: at the archive root, or inside exactly one top-level folder
 * (like npm pack's `package/`).
 *
 * @param files - archive paths of all regular files
 * @throws InvalidBundle when there is no package.json or it is ambiguous
 */
export function findPackageRoot(files: ReadonlySet<string>): PackageRoot {
  if (files.has('package.json')) {
    return { prefix: '', packageJsonPath: 'package.json' };
  }
  const candidates = [...files].filter((path) => /^[^/]+\/package\.json$/.test(path));
  if (candidates.length === 0) {
    throw new InvalidBundle(
      'archive has no package.json at the root or in a single top-level folder',
    );
  }
  if (candidates.length > 1) {
    throw new InvalidBundle('archive has several top-level folders with a package.json');
  }
  const packageJsonPath = candidates[0];
  return { prefix: packageJsonPath.slice(0, -'package.json'.length), packageJsonPath };
}

function resolveTarget(value: unknown, depth: number): string | undefined {
  if (depth > MAX_CONDITION_DEPTH) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = resolveTarget(item, depth + 1);
      if (target !== undefined) {
        return target;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    const conditions = value as Record<string, unknown>;
    for (const condition of CONDITIONS) {
      if (Object.hasOwn(conditions, condition)) {
        const target = resolveTarget(conditions[condition], depth + 1);
        if (target !== undefined) {
          return target;
        }
      }
    }
  }
  return undefined;
}

function exportsTarget(exports: unknown): string | undefined {
  if (exports !== null && typeof exports === 'object' && !Array.isArray(exports)) {
    const map = exports as Record<string, unknown>;
    if (Object.keys(map).some((key) => key.startsWith('.'))) {
      return resolveTarget(map['.'], 0);
    }
  }
  return resolveTarget(exports, 0);
}

function cleanTarget(target: string): string {
  const normalized = posix.normalize(target.replace(/\\/g, '/'));
  if (normalized.startsWith('/') || normalized === '..' || normalized.startsWith('../')) {
    throw new InvalidBundle(`package.json entry '${target}' points outside the package`);
  }
  return normalized === '.' ? '' : normalized.replace(/\/+$/, '');
}

function parsePackageJson(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InvalidBundle(`package.json is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidBundle('package.json is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Resolves the entry file of a package: `exports` (string, '.' key or conditions, preferring
 * require, node, import, default), else `main`, else `index.js`. Like Node does for `main`, the
 * path itself, the path + '.js' and path/index.js are tried.
 *
 * @param packageJson - the text of package.json
 * @param files - paths of the package's files, relative to the package folder
 * @returns the entry path relative to the package folder, posix separators
 * @throws InvalidBundle when package.json is invalid or the entry is not among `files`
 */
export function resolvePackageEntry(packageJson: string, files: ReadonlySet<string>): string {
  const manifest = parsePackageJson(packageJson);
  const fromExports = exportsTarget(manifest['exports']);
  const main = manifest['main'];
  const declared =
    fromExports ?? (typeof main === 'string' && main.trim() !== '' ? main : undefined);
  const base = cleanTarget(declared ?? 'index.js');
  const candidates = base === '' ? ['index.js'] : [base, `${base}.js`, `${base}/index.js`];
  const found = candidates.find((candidate) => files.has(candidate));
  if (found !== undefined) {
    return found;
  }
  throw new InvalidBundle(
    declared === undefined ? NO_ENTRY : `${NO_ENTRY}: '${declared}' is not in the archive`,
  );
}
