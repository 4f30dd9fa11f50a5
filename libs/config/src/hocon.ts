import { ConfigParseError } from './config-parse.error';
import { checkConfigLimits, DEFAULT_CONFIG_LIMITS, type ConfigParseOptions } from './config-limits';
import { parseHocon } from './hocon.parser';

export { ConfigParseError } from './config-parse.error';

/**
 * Parses a config body: JSON if it parses as a JSON object, else HOCON (our data-only subset of
 * Typesafe Config syntax, see hocon.parser.ts). Empty text is `{}`; a UTF-8 BOM is ignored.
 * Size and depth are checked before any parser runs. Substitutions, includes and anything that
 * could evaluate are refused: client configs are data.
 * @throws ConfigParseError with the reason (line and column where it has one)
 */
export async function parseConfigText(
  text: string,
  options: ConfigParseOptions = {},
): Promise<Record<string, unknown>> {
  return parse(text, options).config;
}

/** A parsed config body and its JSON text. */
export interface ParsedConfigBody {
  readonly config: Record<string, unknown>;
  /**
   * JSON text of `config` (`JSON.parse(json)` equals it): a JSON body's own text, trimmed (which
   * spares a JSON.stringify of a large config), else `JSON.stringify(config)`.
   */
  readonly json: string;
}

/**
 * parseConfigText, with the JSON text to store or send along.
 * @throws ConfigParseError as parseConfigText
 */
export async function parseConfigBody(
  text: string,
  options: ConfigParseOptions = {},
): Promise<ParsedConfigBody> {
  const { config, json } = parse(text, options);
  return { config, json: json ?? JSON.stringify(config) };
}

/** The config, and the trimmed text if it was JSON. */
function parse(
  text: string,
  options: ConfigParseOptions,
): { config: Record<string, unknown>; json?: string } {
  const limits = { ...DEFAULT_CONFIG_LIMITS, ...options };
  checkConfigLimits(text, limits);
  // trim() removes a leading BOM (U+FEFF is whitespace to JavaScript and to HOCON).
  const trimmed = text.trim();
  if (trimmed === '') return { config: {} };
  // Only a body that looks like a JSON object is tried as JSON (a failed JSON.parse throws, which is slow).
  if (trimmed.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (isPlainObject(json)) return { config: json, json: trimmed };
    } catch {
      // HOCON may start with '{' too
    }
  }
  // A large text is never cached: looking it up would hash (and flatten) all of it.
  const cacheKey = text.length <= CACHE_MAX_TEXT ? `${limits.maxDepth}:${text}` : undefined;
  const cached = cacheKey === undefined ? undefined : parsedHocon.get(cacheKey);
  if (cached) return { config: cached };
  const value = parseHocon(trimmed, limits.maxDepth);
  if (!isPlainObject(value)) throw new ConfigParseError('the config is not an object');
  if (cacheKey !== undefined) remember(cacheKey, value);
  return { config: value };
}

/**
 * Recently parsed HOCON texts (clients often post the same config again). Entries are
 * deep-frozen: callers only read them.
 */
const parsedHocon = new Map<string, Record<string, unknown>>();
const CACHE_ENTRIES = 512;
const CACHE_MAX_TEXT = 4096;

function remember(key: string, value: Record<string, unknown>): void {
  if (key.length > CACHE_MAX_TEXT) return;
  if (parsedHocon.size >= CACHE_ENTRIES) parsedHocon.delete(parsedHocon.keys().next().value!);
  parsedHocon.set(key, deepFreeze(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
