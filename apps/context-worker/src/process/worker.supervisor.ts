import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import {
  killProcessGroup,
  loadServerConfig,
  prepareWorkerCacheDir,
  resolveWorkerUser,
  hideSecretsFromEnviron,
  settingsAsEnv,
  workerProcessEnv,
  WORKER_NODE_FLAGS,
} from '@jobserver/config';
import { CONFIG_STDIN_FLAG, SUPERVISED_FLAG } from './worker-entry.flags';

/**
 * Pool mode: the orchestrator put the server's secrets into this process's env. This thin
 * supervisor re-executes the worker entry once with a clean env (PATH, HOME, … and `job-env`),
 * hands it the settings over stdin, and stays: it forwards SIGTERM/SIGINT, and when the worker
 * exits it kills the worker's process group (everything its jobs spawned) and exits with the
 * worker's code. With `worker-user` set and this process root, the worker runs as that user and
 * cannot read this process's /proc/<pid>/environ (root-owned, mode 0400). The worker exits when
 * this process dies (its stdin closes).
 * @returns the exit code to end with
 */
export async function superviseWorker(entry: string): Promise<number> {
  // Without worker-user the worker shares this process's OS user, and its jobs could read our environ.
  hideSecretsFromEnviron();
  const config = await loadServerConfig();
  const settings = await settingsAsEnv();
  const user = config.workerUser ? resolveWorkerUser(config.workerUser) : undefined;
  if (user) {
    prepareWorkerCacheDir(path.resolve(config.bundleCacheDir), user);
    prepareWorkerCacheDir(path.resolve(config.dataCacheDir), user, 'data-cache-dir');
  }
  const env = workerProcessEnv(process.env, config.jobEnv);
  if (user && user.uid !== process.getuid?.()) env.HOME = user.home;
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, entry, CONFIG_STDIN_FLAG, SUPERVISED_FLAG], {
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
    detached: true,
    uid: user?.uid,
    gid: user?.gid,
  });
  child.stdin!.on('error', () => undefined); // a worker that died early: its exit tells
  child.stdin!.write(`${JSON.stringify(settings)}\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (child.pid) killProcessGroup(child.pid);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
