import { setFlagsFromString } from 'node:v8';
import { WORKER_NODE_FLAGS } from '@jobserver/config';

/**
 * The launcher capped the young generation of this process's main thread (WORKER_NODE_FLAGS:
 * `--max-semi-space-size=1`, for the control plane's memory). V8 reads that flag whenever an
 * isolate starts, so the executor thread (user code, which may allocate a lot) would be capped
 * too: after this call, threads start with V8's default young generation (or their
 * `resourceLimits`); the main thread keeps its cap. Does nothing in a process started without it.
 */
export function uncapThreadsYoungGeneration(): void {
  const cap = WORKER_NODE_FLAGS.find((flag) => flag.startsWith('--max-semi-space-size='));
  if (cap && process.execArgv.includes(cap)) setFlagsFromString('--max-semi-space-size=0');
}
