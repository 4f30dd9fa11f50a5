import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  contextLimits,
  killProcessGroup,
  prepareWorkerCacheDir,
  resolveWorkerUser,
  settingsAsEnv,
  workerProcessEnv,
  WORKER_NODE_FLAGS,
  type OsUser,
  type ServerConfig,
} from '@jobserver/config';
import type { ContextRecord } from '@jobserver/persistence';
import { SERVER_CONFIG } from '../infra/tokens';
import { startTimeoutMessage, type Launcher, type LaunchedWorker } from './launcher';
import { SpareWorkers } from './spare-workers';

/** The built context-worker app beside this one (the launcher runs it, never imports it). */
const DEFAULT_WORKER_MAIN = path.resolve(__dirname, '../../../context-worker/dist/main.js');

/**
 * Runs each context in a child process of the scheduler on this machine. The child keeps
 * running if the scheduler dies, so a restarted scheduler adopts it by pid (except under
 * `npm start`, `stop-with-parent`, where the workers end with the scheduler).
 *
 * A worker's environment holds no secret: it gets PATH, HOME, LANG/LC_ALL/TZ, UV_THREADPOOL_SIZE
 * and the `job-env` variables; every server setting (DATABASE_URL, REDIS_URL, JOBSERVER_*) goes
 * to it as one JSON line on its stdin. It leads a process group of its own (detached), and the
 * group is SIGKILLed once the worker has exited or is killed: what its jobs spawned ends with it.
 */
@Injectable()
export class LocalLauncher implements Launcher, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LocalLauncher.name);
  private readonly children = new Map<string, ChildProcess>();
  /** Pids of workers of a previous scheduler this one has seen (adopted). */
  private readonly adopted = new Set<number>();
  private readonly workerMain: string;
  private readonly user: OsUser | undefined;
  private settings: Promise<Record<string, string>> | undefined;
  private readonly spares: SpareWorkers;

  /** @throws InvalidServerConfig when `worker-user` does not exist or this process is not root */
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {
    this.workerMain = config.workerMain ?? DEFAULT_WORKER_MAIN;
    const spareEnv = () => this.workerEnv({ settings: config.contextDefaults } as ContextRecord);
    this.spares = new SpareWorkers(config.spareWorkers, spareEnv, () => this.spawnWorker(spareEnv()), this.logger);
    this.user = config.workerUser ? resolveWorkerUser(config.workerUser) : undefined;
    if (this.user) {
      prepareWorkerCacheDir(path.resolve(config.bundleCacheDir), this.user);
      prepareWorkerCacheDir(path.resolve(config.dataCacheDir), this.user, 'data-cache-dir');
    }
  }

  onApplicationBootstrap(): void {
    this.spares.fill();
  }

  async launch(context: ContextRecord): Promise<LaunchedWorker> {
    const env = this.workerEnv(context);
    const spare = this.spares.take(env);
    const child = spare ?? (await this.spawnWorker(env, context.id));
    this.children.set(context.id, child);
    const exited = new Promise<string>((resolve) => {
      const ended = (why: string) => {
        if (this.children.get(context.id) === child) this.children.delete(context.id);
        resolve(why);
      };
      if (child.exitCode !== null || child.signalCode !== null) return ended(child.signalCode ?? `exit code ${child.exitCode}`);
      child.once('exit', (code, signal) => {
        if (child.pid) killProcessGroup(child.pid); // children may outlive their worker
        ended(signal ?? `exit code ${code}`);
      });
      child.once('error', (error) => ended(`spawn failed: ${error.message}`));
    });
    if (spare) {
      // The spare booted already: it takes the context (with its record: one read less) from the line after its settings.
      spare.stdin!.end(`${JSON.stringify({ contextId: context.id, context })}\n`);
      this.spares.fill();
    }
    this.logger.log({ context: context.name, pid: child.pid, spare: spare !== undefined }, 'context worker launched');
    return { worker: `${hostname()}/${child.pid}`, pid: child.pid, exited };
  }

  /**
   * Starts a context worker with `settings` on stdin: for a context (`contextId`), its stdin then
   * ends; for a spare (none), it stays open for the assignment (see SpareWorkers).
   */
  private async spawnWorker(env: Record<string, string>, contextId?: string): Promise<ChildProcess> {
    // This scheduler's own settings (env and config file), as loadServerConfig reads them.
    this.settings ??= settingsAsEnv(process.env);
    const settings = { ...(await this.settings), ...(contextId ? { JOBSERVER_CONTEXT_ID: contextId } : {}) };
    const args = [...WORKER_NODE_FLAGS, this.workerMain, '--config-stdin', ...(contextId ? [] : ['--spare'])];
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['pipe', 'inherit', 'inherit'],
      detached: true,
      uid: this.user?.uid,
      gid: this.user?.gid,
    });
    child.stdin!.on('error', () => undefined); // a worker that died at once: its exit tells
    const line = `${JSON.stringify(settings)}\n`;
    if (contextId) child.stdin!.end(line);
    else child.stdin!.write(line);
    return child;
  }

  async abandonStart(): Promise<string> {
    return startTimeoutMessage('context worker did not start', this.config.contextCreationTimeoutMs);
  }

  async kill(context: ContextRecord): Promise<void> {
    const child = this.children.get(context.id);
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      killProcessGroup(child.pid!);
      await gone;
      return;
    }
    const pid = context.pid;
    if (!pid) return;
    // A dead leader's group can still hold its jobs' children; no other group can bear its id.
    killProcessGroup(pid);
    for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  }

  async isAlive(context: ContextRecord): Promise<boolean> {
    const child = this.children.get(context.id);
    if (child) return child.exitCode === null && child.signalCode === null;
    if (!context.pid) return false;
    const alive = pidAlive(context.pid);
    if (alive) this.adopted.add(context.pid);
    else killProcessGroup(context.pid); // an adopted worker that died: its jobs' children go too
    return alive;
  }

  /** Spares end with their scheduler; under `npm start` (stop-with-parent) its workers too. */
  onApplicationShutdown(): void {
    this.spares.retire();
    if (!this.config.stopWithParent) return;
    const pids = [...[...this.children.values()].map((child) => child.pid), ...this.adopted];
    for (const pid of pids) if (pid) killProcessGroup(pid);
  }

  private workerEnv(context: Pick<ContextRecord, 'settings'>): Record<string, string> {
    const env = workerProcessEnv(process.env, this.config.jobEnv);
    const cores = contextLimits(context.settings).numCpuCores;
    // num-cpu-cores sizes libuv's thread pool (crypto, zlib, fs and dns work of its jobs).
    if (cores) env.UV_THREADPOOL_SIZE = String(cores);
    if (this.user && this.user.uid !== process.getuid?.()) env.HOME = this.user.home;
    return env;
  }
}

/** Whether a process runs; an exited worker of a previous scheduler that nobody reaped (zombie) does not. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no procfs (not Linux): trust kill(pid, 0)
  }
}
