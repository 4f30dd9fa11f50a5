import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidServerConfig } from './load-config';

/** Variables a context worker's environment keeps besides `job-env`: none of them is a secret. */
const WORKER_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'UV_THREADPOOL_SIZE'];

/**
 * The environment of a context worker process: PATH, HOME, LANG, LC_ALL, TZ and UV_THREADPOOL_SIZE
 * when set, and the `job-env` variables (its jobs' `process.env`), nothing else. The server's
 * settings, secrets included, go to the worker over its stdin ({@link settingsAsEnv}). NODE_OPTIONS stays out: not
 * a secret, but it could change how the worker runs (`--require`, inspector flags).
 */
export function workerProcessEnv(env: NodeJS.ProcessEnv, jobEnv: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of [...WORKER_ENV, ...jobEnv]) {
    const value = env[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * Node flags of a context worker process: the local launcher and the pool supervisor start it
 * with these. `--max-semi-space-size=1` caps the young generation of the worker's main thread
 * (the control plane: Redis, Postgres, small messages) at 1 MiB semi-spaces instead of V8's
 * 16 MiB. Its boot (~1,500 modules) grew them to the full 16 MiB, which a booted worker kept
 * until V8's memory reducer ran 10–30 s later: ~14 MiB more RSS for each new worker or spare.
 * The executor thread gets V8's default back (user code allocates freely): the worker resets the
 * flag, which V8 reads whenever an isolate starts, before it starts the thread.
 * Measured in docs/performance-worker.md.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/** An OS user as `spawn` needs it. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Looks `worker-user` up (a name or a uid) in /etc/passwd, else with `id`.
 * @throws InvalidServerConfig when the user does not exist or this process cannot switch to it
 */
export function resolveWorkerUser(user: string): OsUser {
  const found = fromPasswd(user) ?? fromId(user);
  if (!found) throw new InvalidServerConfig(`worker-user ${user}: no such OS user`);
  const uid = process.getuid?.();
  if (uid !== 0 && uid !== found.uid) {
    throw new InvalidServerConfig(`worker-user ${user}: running workers as another user needs root (this process runs as uid ${uid})`);
  }
  return found;
}

function fromPasswd(user: string): OsUser | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name && (name === user || uid === user)) return { name, uid: Number(uid), gid: Number(gid), home: home || '/' };
  }
  return undefined;
}

function fromId(user: string): OsUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { name: user, uid: id('-u'), gid: id('-g'), home: '/' };
  } catch {
    return undefined;
  }
}

/** SIGKILLs a whole process group (`-pgid`); a group that is already gone is fine. */
export function killProcessGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * The worker user writes its caches (bundles, data files): the dir is created and given to it,
 * and every parent must let it through (it needs read access to the built apps as well, which
 * root-owned files of mode 644/755 give).
 * @param key the config key named in the error @defaultValue 'bundle-cache-dir'
 * @throws InvalidServerConfig when a parent dir is closed to the worker user
 */
export function prepareWorkerCacheDir(cacheDir: string, user: OsUser, key = 'bundle-cache-dir'): void {
  mkdirSync(cacheDir, { recursive: true });
  chownSync(cacheDir, user.uid, user.gid);
  for (let dir = path.dirname(cacheDir); ; dir = path.dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const searchable = uid === user.uid ? mode & 0o100 : gid === user.gid ? mode & 0o010 : mode & 0o001;
    if (!searchable) {
      throw new InvalidServerConfig(`worker-user ${user.name} cannot reach ${key} ${cacheDir}: ${dir} is closed to it`);
    }
    if (dir === path.dirname(dir)) return;
  }
}
