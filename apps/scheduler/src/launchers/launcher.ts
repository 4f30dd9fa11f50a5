import type { ContextRecord } from '@jobserver/persistence';

/** A context worker process as a launcher sees it. */
export interface LaunchedWorker {
  /** Where it runs, for records and logs (`<host>/<pid>`; `pool` until a pool worker reports). */
  worker: string;
  pid: number | undefined;
  /**
   * Resolves when the process exits (with its exit code or signal). Never resolves for a process
   * this scheduler cannot watch (pool workers): their heartbeats tell.
   */
  exited: Promise<string>;
}

/** How a context gets a process: the scheduler's port to local processes, pools, clusters. */
export interface Launcher {
  /** Starts (or requests) a worker process for a context recorded as STARTED. */
  launch(context: ContextRecord): Promise<LaunchedWorker>;
  /**
   * Gives up on a launch that did not reach RUNNING within `context-creation-timeout`: withdraws
   * whatever is still pending, so that no worker takes the context up later.
   * @returns why the context did not start, as this launcher sees it
   */
  abandonStart(context: ContextRecord): Promise<string>;
  /** Force-stops the context's process if it is still alive; resolves once it is gone. */
  kill(context: ContextRecord): Promise<void>;
  /** Whether the context's process is still alive, as far as this launcher can tell. */
  isAlive(context: ContextRecord): Promise<boolean>;
}

/** The message of a context that did not start in time. */
export function startTimeoutMessage(what: string, timeoutMs: number): string {
  return `${what} within context-creation-timeout (${timeoutMs / 1000}s)`;
}
