import type { ChildProcess } from 'node:child_process';
import type { Logger } from '@nestjs/common';
import { killProcessGroup } from '@jobserver/config';

/** A spare that exits sooner than this after it was started counts as a failed start. */
const YOUNG_MS = 10_000;
/** Longest pause between spare starts while they keep failing. */
const MAX_BACKOFF_MS = 60_000;

/**
 * The local launcher's booted, idle context workers (`spare-workers`): started with their
 * settings on stdin and `--spare`, they boot (Nest, Postgres and Redis connections) and wait for a
 * second stdin line naming the context to host. A context whose worker environment is the
 * spares' takes one (LocalLauncher writes that line and ends its stdin), and a new spare boots
 * behind it. A spare that dies is replaced; spares that keep dying young are started again after
 * a growing pause (a broken setup must not turn into a spawn loop). An idle spare ends when its
 * stdin closes: with its scheduler, even one that was SIGKILLed.
 */
export class SpareWorkers {
  private readonly idle = new Set<ChildProcess>();
  private starting = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private retired = false;

  constructor(
    private readonly count: number,
    private readonly env: () => Record<string, string>,
    private readonly spawn: () => Promise<ChildProcess>,
    private readonly logger: Logger,
  ) {}

  /** An idle spare for a worker of environment `env`, now no longer a spare; none if no spare has that environment. */
  take(env: Record<string, string>): ChildProcess | undefined {
    if (!sameEnv(env, this.env())) return undefined;
    for (const child of this.idle) {
      this.idle.delete(child);
      if (child.exitCode === null && child.signalCode === null) return child;
    }
    return undefined;
  }

  /** Starts spares until `count` are idle or starting (unless paused after failures). */
  fill(): void {
    if (this.retired || this.timer) return;
    while (this.idle.size + this.starting < this.count) void this.boot();
  }

  /** Ends the idle spares and starts no more (the scheduler stops). */
  retire(): void {
    this.retired = true;
    clearTimeout(this.timer);
    for (const child of this.idle) {
      child.stdin?.end();
      if (child.pid) killProcessGroup(child.pid);
    }
    this.idle.clear();
  }

  private async boot(): Promise<void> {
    this.starting++;
    let child: ChildProcess;
    try {
      child = await this.spawn();
    } catch (err) {
      this.starting--;
      return this.failed(err);
    }
    this.starting--;
    if (this.retired) {
      child.stdin?.end();
      return;
    }
    const born = Date.now();
    this.idle.add(child);
    const gone = (why: unknown) => {
      // A spare taken for a context lives on as that context's worker: not ours any more.
      if (!this.idle.delete(child)) return;
      if (child.pid) killProcessGroup(child.pid);
      if (this.retired) return;
      if (Date.now() - born < YOUNG_MS) return this.failed(why);
      this.failures = 0;
      this.fill();
    };
    child.once('exit', (code, signal) => gone(signal ?? `exit code ${code}`));
    child.once('error', (error) => gone(error.message));
  }

  private failed(why: unknown): void {
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
    this.logger.warn({ err: why, failures: this.failures, retryInMs: delay }, 'a spare context worker failed to start');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fill();
    }, delay);
    this.timer.unref();
  }
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
