import { JobserverClient, type Credentials } from '@jobserver/client';
import { usageError } from '../cli.error';
import { defaultProfilesPath, readProfiles, type Profile } from './profiles';

/** The global options that choose the server. */
export interface ServerOptions {
  url?: string;
  profile?: string;
  profiles?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8090';

/** The server and credentials the command talks to, and where they came from (for messages). */
export interface Target extends Profile {
  /** `--url`, `JOBSERVER_URL`, `profile <name>` or `default`. */
  source: string;
  /** `JOBSERVER_TOKEN`, `JOBSERVER_USER` or `profile <name>`, when there are credentials. */
  authSource?: string;
}

/**
 * Which server, in order: `--profile`, then `--url`, then `JOBSERVER_URL`, then
 * `JOBSERVER_PROFILE`, then the profile file's `current`, else http://127.0.0.1:8090.
 * Credentials come with a profile; otherwise (or when the profile has none) from
 * `JOBSERVER_TOKEN`, or `JOBSERVER_USER` + `JOBSERVER_PASSWORD`.
 * @throws CliError (exit 2) for an unknown profile, a bad profile file or half of a user/password pair
 */
export async function resolveTarget(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const file = options.profiles ?? defaultProfilesPath(env);
  const explicitFile = options.profiles !== undefined || env.JOBSERVER_PROFILES !== undefined;
  const named = options.profile ?? (options.url || env.JOBSERVER_URL ? undefined : env.JOBSERVER_PROFILE);
  const profiles = await readProfiles(file, explicitFile || named !== undefined);
  const envAuth = credentialsFromEnv(env);
  const envAuthSource = envAuth && ('token' in envAuth ? 'JOBSERVER_TOKEN' : 'JOBSERVER_USER');
  const fromProfile = (name: string): Target => {
    const profile = profiles?.profiles[name];
    if (!profile) {
      const known = Object.keys(profiles?.profiles ?? {});
      throw usageError(`no profile ${name} in ${file}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`);
    }
    if (profile.auth) return { ...profile, source: `profile ${name}`, authSource: `profile ${name}` };
    return { url: profile.url, auth: envAuth, source: `profile ${name}`, authSource: envAuthSource };
  };
  if (named !== undefined) return fromProfile(named);
  const url = options.url ?? env.JOBSERVER_URL;
  if (url) return { url, auth: envAuth, source: options.url ? '--url' : 'JOBSERVER_URL', authSource: envAuthSource };
  if (profiles?.current) return fromProfile(profiles.current);
  return { url: DEFAULT_URL, auth: envAuth, source: 'default', authSource: envAuthSource };
}

function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.JOBSERVER_TOKEN) return { token: env.JOBSERVER_TOKEN };
  const { JOBSERVER_USER: user, JOBSERVER_PASSWORD: password } = env;
  if (user && password !== undefined) return { user, password };
  if (user) throw usageError('JOBSERVER_USER is set without JOBSERVER_PASSWORD');
  if (password !== undefined) throw usageError('JOBSERVER_PASSWORD is set without JOBSERVER_USER');
  return undefined;
}

/** A client of the target. @throws CliError (exit 2) for a URL that is not http(s) */
export function clientOf(target: Target, retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number }): JobserverClient {
  try {
    return new JobserverClient({ url: target.url, auth: target.auth, retry, headers: { 'user-agent': 'jobserver-cli' } });
  } catch (error) {
    throw usageError(`${(error as Error).message} (from ${target.source})`);
  }
}
