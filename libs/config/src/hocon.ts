import { Context, parse } from '@pushcorn/hocon-parser';
import { SourceAdapter } from '@pushcorn/hocon-parser/lib/core/SourceAdapter';

/** Text that is neither a JSON object nor valid HOCON. */
export class ConfigParseError extends Error {
  override readonly name = 'ConfigParseError';
}

// Posted configs come from clients: includes would read the server's files or fetch URLs.
class RefusedSource extends SourceAdapter {
  override async onLoad(): Promise<never> {
    throw new ConfigParseError('include is not allowed in a posted config');
  }
}
const refused = (name: string) =>
  Object.defineProperty(class extends RefusedSource {}, 'name', { value: name });
Context.registerComponent(
  ...['FileSource', 'HttpSource', 'HttpsSource', 'ModulepathSource'].map(refused),
);

/**
 * Parses a config body: JSON if it parses as a JSON object, else HOCON (Typesafe Config
 * syntax). Empty text is `{}`. Environment substitution, includes and the parser's
 * non-standard `|` transforms are off.
 * @throws ConfigParseError with the parser's reason
 */
export async function parseConfigText(text: string): Promise<Record<string, unknown>> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  // Only a body that looks like a JSON object is tried as JSON (a failed JSON.parse throws, which is slow).
  if (trimmed.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (isPlainObject(json)) return json;
    } catch {
      // HOCON may start with '{' too
    }
  }
  const cached = parsedHocon.get(text);
  if (cached) return cached;
  let value: unknown;
  try {
    value = await parse({ text, env: false, strict: true });
  } catch (error) {
    throw new ConfigParseError(error instanceof Error ? error.message : String(error));
  }
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ConfigParseError('the config is not an object');
  remember(text, value);
  return value;
}

/**
 * Recently parsed HOCON texts (the parser costs ~0.1 ms, a tenth of the gateway's work per job;
 * clients often post the same config again). Entries are deep-frozen: callers only read them.
 */
const parsedHocon = new Map<string, Record<string, unknown>>();
const CACHE_ENTRIES = 512;
const CACHE_MAX_TEXT = 4096;

function remember(text: string, value: Record<string, unknown>): void {
  if (text.length > CACHE_MAX_TEXT) return;
  if (parsedHocon.size >= CACHE_ENTRIES) parsedHocon.delete(parsedHocon.keys().next().value!);
  parsedHocon.set(text, deepFreeze(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
