import { readFile } from 'node:fs/promises';
import { ConfigParseError, parseConfigText } from '@jobserver/config';
import { usageError } from '../cli.error';

/**
 * The job config of `run`: the `--config` file (HOCON or JSON, read by the server's own data-only
 * parser, so it means here what it means there), then each `-c key=value` over it. A value is a
 * HOCON value (`3`, `true`, `[a, b]`, `"quoted"`, `a b c`); one that does not parse as one (`http://x`)
 * is taken as a string.
 * @throws CliError (exit 2) with the parser's message and line
 */
export async function jobConfig(file: string | undefined, pairs: string[]): Promise<Record<string, unknown>> {
  let config: Record<string, unknown> = {};
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw usageError(`cannot read the config file ${file}: ${error.message}`);
    });
    // The parser's objects are frozen: a copy takes the -c values.
    config = structuredClone(await parse(text, `the config file ${file} does not parse`));
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`-c takes key=value, not ${pair}`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1);
    const keyCheck = await parse(`${key} = 0`, `-c ${pair}: bad key ${key}`);
    const override = await parseConfigText(`${key} = ${value}`).catch(() => undefined);
    merge(config, override ?? setPath(keyCheck, value));
  }
  return config;
}

async function parse(text: string, what: string): Promise<Record<string, unknown>> {
  try {
    return await parseConfigText(text);
  } catch (error) {
    if (error instanceof ConfigParseError) throw usageError(`${what}: ${error.message}`);
    throw error;
  }
}

/** `keyCheck` is `{a: {b: 0}}` for key `a.b`: the same path with `value` at its end. */
function setPath(keyCheck: Record<string, unknown>, value: string): Record<string, unknown> {
  const [name, inner] = Object.entries(keyCheck)[0];
  return { [name]: typeof inner === 'object' && inner !== null ? setPath(inner as Record<string, unknown>, value) : value };
}

/** Objects merge key by key; anything else replaces. */
function merge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) merge(existing, value);
    else target[key] = structuredClone(value);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
