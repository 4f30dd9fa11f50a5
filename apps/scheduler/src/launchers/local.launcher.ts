import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { contextLimits, type ServerConfig } from '@jobserver/config';
import type { ContextRecord } from '@jobserver/persistence';
import { SERVER_CONFIG } from '../infra/tokens';
import { startTimeoutMessage, type Launcher, type LaunchedWorker } from './launcher';

/** The built context-worker app beside this one (the launcher runs it, never imports it). */
const DEFAULT_WORKER_MAIN = path.resolve(__dirname, '../../../context-worker/dist/main.js');

/**
 * Runs each context in a child process of the scheduler on this machine. The child keeps
 * running if the scheduler dies, so a restarted scheduler adopts it by pid.
 */
@Injectable()
export class LocalLauncher implements Launcher {
  private readonly logger = new Logger(LocalLauncher.name);
  private readonly children = new Map<string, ChildProcess>();
  private readonly workerMain: string;

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {
    this.workerMain = config.workerMain ?? DEFAULT_WORKER_MAIN;
  }

  async launch(context: ContextRecord): Promise<LaunchedWorker> {
    const child = spawn(process.execPath, [this.workerMain], {
      env: { ...process.env, ...contextProcessEnv(context) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.children.set(context.id, child);
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        this.children.delete(context.id);
        resolve(signal ?? `exit code ${code}`);
      });
      child.once('error', (error) => {
        this.children.delete(context.id);
        resolve(`spawn failed: ${error.message}`);
      });
    });
    this.logger.log({ context: context.name, pid: child.pid }, 'context worker launched');
    return { worker: `${hostname()}/${child.pid}`, pid: child.pid, exited };
  }

  async abandonStart(): Promise<string> {
    return startTimeoutMessage('context worker did not start', this.config.contextCreationTimeoutMs);
  }

  async kill(context: ContextRecord): Promise<void> {
    const child = this.children.get(context.id);
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
      return;
    }
    const pid = context.pid;
    if (!pid || !pidAlive(pid)) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  }

  async isAlive(context: ContextRecord): Promise<boolean> {
    const child = this.children.get(context.id);
    if (child) return child.exitCode === null && child.signalCode === null;
    return context.pid ? pidAlive(context.pid) : false;
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

/**
 * What a context's process needs besides the server config: which context it hosts, and
 * `num-cpu-cores` as the size of libuv's thread pool (crypto, zlib, fs and dns work of its jobs).
 */
export function contextProcessEnv(context: ContextRecord): Record<string, string> {
  const cores = contextLimits(context.settings).numCpuCores;
  return {
    JOBSERVER_CONTEXT_ID: context.id,
    JOBSERVER_CONTEXT_NAME: context.name,
    ...(cores ? { UV_THREADPOOL_SIZE: String(cores) } : {}),
  };
}
