import { ConfigParseError } from './config-parse.error';
import { checkConfigLimits, formatBytes, type ConfigParseOptions } from './config-limits';
import type { ParsedConfigBody } from './hocon';

/** Bounds of {@link parseConfigArray}: those of each config, and how many configs at most. */
export interface ConfigArrayOptions extends Required<ConfigParseOptions> {
  maxItems: number;
}

/**
 * Parses a JSON array of job configs (`POST /jobs/batch`): each element an object within the
 * config limits (`maxDepth`, `maxSize` of its JSON text), at least one, at most `maxItems`.
 * The nesting is checked before JSON.parse runs (the array is one level more); the text's size
 * is the request's, bounded by the upload limit.
 * @throws ConfigParseError naming the problem (and the position of the config at fault)
 */
export function parseConfigArray(text: string, options: ConfigArrayOptions): ParsedConfigBody[] {
  try {
    checkConfigLimits(text, { maxDepth: options.maxDepth + 1, maxSize: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    // The array is a level of its own: the configs in it are what nests too deep.
    if (error instanceof ConfigParseError && error.message.includes('config-max-depth')) {
      throw new ConfigParseError(`a job config of the batch nests deeper than config-max-depth (${options.maxDepth})`);
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (error) {
    throw new ConfigParseError(`a batch is a JSON array of job configs: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new ConfigParseError('a batch is a JSON array of job configs, not a single value');
  if (value.length === 0) throw new ConfigParseError('the batch is empty: send at least one job config');
  if (value.length > options.maxItems) {
    throw new ConfigParseError(`the batch has ${value.length} job configs, more than batch-max-jobs (${options.maxItems})`);
  }
  return value.map((config: unknown, index) => {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ConfigParseError(`job config ${index} of the batch is not an object`);
    }
    const json = JSON.stringify(config);
    if (Buffer.byteLength(json, 'utf8') > options.maxSize) {
      throw new ConfigParseError(`job config ${index} of the batch is larger than config-max-size (${formatBytes(options.maxSize)})`);
    }
    return { config: config as Record<string, unknown>, json };
  });
}
