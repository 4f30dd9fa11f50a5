import { ConfigParseError } from './config-parse.error';
import { depthError } from './hocon.parser';
import type { ServerConfig } from './server-config';

/** Bounds on a config text, checked before any parser runs. */
export interface ConfigParseOptions {
  /** Deepest nesting of objects and arrays, the root object being 1. @defaultValue 64 */
  readonly maxDepth?: number;
  /** Largest text in UTF-8 bytes. @defaultValue 1 MiB */
  readonly maxSize?: number;
}

export const DEFAULT_CONFIG_LIMITS: Required<ConfigParseOptions> = { maxDepth: 64, maxSize: 1024 * 1024 };

/** The parse options of client configs (`config-max-depth`, `config-max-size`). */
export function configParseOptions(config: ServerConfig): Required<ConfigParseOptions> {
  return { maxDepth: config.configMaxDepth, maxSize: config.configMaxSize };
}

/**
 * Refuses a text over the size limit, or whose `{`/`[` nesting (outside quoted strings and
 * comments) is deeper than the depth limit; one linear scan, for JSON and HOCON alike.
 * @throws ConfigParseError naming the limit
 */
export function checkConfigLimits(text: string, limits: Required<ConfigParseOptions>): void {
  if (text.length > limits.maxSize || Buffer.byteLength(text, 'utf8') > limits.maxSize) {
    throw new ConfigParseError(`it is larger than config-max-size (${formatBytes(limits.maxSize)})`);
  }
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) throw depthError(limits.maxDepth);
}

const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, QUOTE, HASH, SLASH, BACKSLASH, NEWLINE] = [
  ...'{}[]"#/\\\n',
].map((c) => c.charCodeAt(0));

/**
 * The characters nestingDepth looks at. In a long text the regexp finds the next one natively: a
 * JavaScript loop over every character of a 1 MiB body costs ~10x more. test() with /g moves
 * lastIndex and, unlike exec(), allocates nothing. A short text is faster read in a plain loop
 * (a regexp call per bracket or quote costs more than a few character compares).
 */
const SPECIAL = /[{}[\]"#/]/g;
const LONG_TEXT = 1024;

/** Nesting depth of brackets, a root without braces counting 1; stops counting past `max`. */
function nestingDepth(text: string, max: number): number {
  const first = /\S/.exec(text); // a BOM is \s too
  let depth = first && (first[0] === '{' || first[0] === '[') ? 0 : 1;
  const long = text.length > LONG_TEXT;
  SPECIAL.lastIndex = 0;
  for (let i = 0; i < text.length; i++) {
    if (long) {
      if (!SPECIAL.test(text)) break;
      i = SPECIAL.lastIndex - 1;
    }
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === QUOTE) i = endOfString(text, i);
    else if (c === HASH || (c === SLASH && text.charCodeAt(i + 1) === SLASH)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else continue;
    if (long) SPECIAL.lastIndex = i + 1;
  }
  return depth;
}

/** The index of the last character of the string that starts at `start`. */
function endOfString(text: string, start: number): number {
  if (text.startsWith('"""', start)) {
    let end = text.indexOf('"""', start + 3);
    if (end === -1) return text.length;
    while (text[end + 3] === '"') end++;
    return end + 2;
  }
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE || c === NEWLINE) return i;
  }
  return text.length;
}

/** `bytes` in MiB or KiB when a whole number of them, else in bytes (for messages). */
export function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
