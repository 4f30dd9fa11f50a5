import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigParseError, parseConfigText } from '@jobserver/config';
import type { Credentials } from '@jobserver/client';
import { usageError } from '../cli.error';

/** A server of the profile file. */
export interface Profile {
  url: string;
  auth?: Credentials;
}

/** The parsed profile file: its profiles and the one used by default. */
export interface ProfileFile {
  path: string;
  current?: string;
  profiles: Record<string, Profile>;
}

const PROFILE_FIELDS = new Set(['url', 'token', 'user', 'password']);

/** `$JOBSERVER_PROFILES`, else `$XDG_CONFIG_HOME/jobserver/profiles.conf` (`~/.config/…`). */
export function defaultProfilesPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JOBSERVER_PROFILES) return env.JOBSERVER_PROFILES;
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(configHome, 'jobserver', 'profiles.conf');
}

/**
 * Reads a profile file, HOCON or JSON, with the server's own data-only config parser (nothing
 * in it is evaluated, included or substituted):
 * ```hocon
 * current = local
 * profiles {
 *   local { url = "http://127.0.0.1:8090" }
 *   prod  { url = "https://jobs.example.com", token = "jsk_…" }
 * }
 * ```
 * A missing file is `undefined` unless `required`.
 * @throws CliError (exit 2) naming the file and the parser's message with its line, or the bad field
 */
export async function readProfiles(file: string, required: boolean): Promise<ProfileFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw usageError(`cannot read the profile file ${file}: ${(error as Error).message}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = await parseConfigText(text);
  } catch (error) {
    if (error instanceof ConfigParseError) throw usageError(`the profile file ${file} does not parse: ${error.message}`);
    throw error;
  }
  return toProfileFile(file, parsed);
}

/** Checks the parsed file's shape. @throws CliError (exit 2) naming the field */
export function toProfileFile(file: string, parsed: Record<string, unknown>): ProfileFile {
  const bad = (what: string) => usageError(`the profile file ${file}: ${what}`);
  const { current, profiles = {}, ...rest } = parsed;
  const extra = Object.keys(rest);
  if (extra.length) throw bad(`unknown key ${extra.join(', ')} (expected current and profiles)`);
  if (current !== undefined && typeof current !== 'string') throw bad('current must be a profile name');
  if (!isObject(profiles)) throw bad('profiles must be an object of profiles');
  const result: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(profiles)) {
    if (!isObject(value)) throw bad(`profile ${name} must be an object`);
    const unknown = Object.keys(value).filter((key) => !PROFILE_FIELDS.has(key));
    if (unknown.length) throw bad(`profile ${name}: unknown key ${unknown.join(', ')} (expected url, token, user, password)`);
    for (const key of Object.keys(value)) {
      if (typeof value[key] !== 'string') throw bad(`profile ${name}: ${key} must be a string`);
    }
    const { url, token, user, password } = value as Record<string, string | undefined>;
    if (!url) throw bad(`profile ${name} has no url`);
    if (token !== undefined && user !== undefined) throw bad(`profile ${name}: give a token or a user, not both`);
    if ((user === undefined) !== (password === undefined)) throw bad(`profile ${name}: user and password go together`);
    result[name] = { url, auth: token !== undefined ? { token } : user !== undefined ? { user, password: password! } : undefined };
  }
  if (current !== undefined && !result[current]) throw bad(`current names ${current}, which is not a profile`);
  return { path: file, current, profiles: result };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
