import type { ContextRecord } from '@jobserver/persistence';

/** A context worker process as a launcher sees it. */
export interface LaunchedWorker {
  /** Where it runs, for records and logs (`<host>/<pid>`). */
  worker: string;
  pid: number | undefined;
  /** Resolves when the process exits (with its exit code or signal). */
  exited: Promise<string>;
}

/** How a context gets a process: the scheduler's port to local processes, pools, clusters. */
export interface Launcher {
  /** Starts a worker process for a context recorded as STARTED. */
  launch(context: ContextRecord): Promise<LaunchedWorker>;
  /** Force-stops the context's process if it is still alive; resolves once it is gone. */
  kill(context: ContextRecord): Promise<void>;
  /** Whether the context's process is still alive, as far as this launcher can tell. */
  isAlive(context: ContextRecord): boolean;
}
