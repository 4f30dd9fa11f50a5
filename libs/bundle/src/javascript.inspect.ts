import { parse, type Options, type Program } from 'acorn';
import { InvalidBundle, type BundleInfo } from './bundle.types';

/** File name used for a single-file bundle in ES module format. */
export const ESM_ENTRY = 'bundle.mjs';
/** File name used for a single-file bundle in CommonJS format. */
export const CJS_ENTRY = 'bundle.cjs';

const MODULE_DECLARATIONS = new Set([
  'ImportDeclaration',
  'ExportNamedDeclaration',
  'ExportDefaultDeclaration',
  'ExportAllDeclaration',
]);

const MODULE_OPTIONS: Options = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowHashBang: true,
};
const SCRIPT_OPTIONS: Options = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
};

type ParseResult = { ok: true; program: Program } | { ok: false; error: unknown };

function tryParse(source: string, options: Options): ParseResult {
  try {
    return { ok: true, program: parse(source, options) };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorPosition(error: unknown): number {
  const pos = (error as { pos?: unknown }).pos;
  return typeof pos === 'number' ? pos : -1;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidBundle('bundle is not a zip, a gzipped tar or UTF-8 JavaScript source');
  }
}

/**
 * Validates JavaScript source bytes and detects their module format.
 *
 * The source must be UTF-8 and parse with acorn, first as an ES module, then as a CommonJS
 * script (return outside functions and hashbang allowed). A module with import/export
 * declarations, or one using module-only syntax such as top-level await, is ESM.
 *
 * @param bytes - the file contents
 * @returns `{ type: 'js', entry: 'bundle.mjs' | 'bundle.cjs' }`
 * @throws InvalidBundle when the bytes are not non-empty, parseable JavaScript
 */
export function inspectJavaScript(bytes: Buffer): BundleInfo {
  const source = decodeUtf8(bytes);
  if (source.trim() === '') {
    throw new InvalidBundle('JavaScript file is empty');
  }
  const asModule = tryParse(source, MODULE_OPTIONS);
  if (asModule.ok && asModule.program.body.some((node) => MODULE_DECLARATIONS.has(node.type))) {
    return { type: 'js', entry: ESM_ENTRY };
  }
  const asScript = tryParse(source, SCRIPT_OPTIONS);
  if (asScript.ok) {
    return { type: 'js', entry: CJS_ENTRY };
  }
  if (asModule.ok) {
    // Parses only as a module (top-level await, import.meta, ...).
    return { type: 'js', entry: ESM_ENTRY };
  }
  // Report the error of the parse that got furthest: it is the likelier intended format.
  const error =
    errorPosition(asModule.error) > errorPosition(asScript.error) ? asModule.error : asScript.error;
  throw new InvalidBundle(`JavaScript does not parse: ${errorMessage(error)}`, { cause: error });
}
