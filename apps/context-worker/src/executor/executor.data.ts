import type { MessagePort } from 'node:worker_threads';
import type { DataPathMessage } from './data.messages';
import type { ToExecutorMessage } from './executor.messages';
import type { ExecutorDataHooks } from './executor.options';

/**
 * Answers a job's `ctx.data` request with a path from the data cache, or the reason there is
 * none. A request of a job that no longer runs (no port) is dropped.
 */
export function answerDataPath(message: DataPathMessage, port: MessagePort | undefined, data: ExecutorDataHooks | undefined): void {
  if (!port) return;
  const { requestId, filename, jobId } = message;
  const found = data ? data.path(filename, jobId) : Promise.reject(new Error(`data file ${filename} not found`));
  void found.then(
    (path) => port.postMessage({ type: 'data-path-answer', requestId, path } satisfies ToExecutorMessage),
    (error: unknown) =>
      port.postMessage({
        type: 'data-path-answer',
        requestId,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ToExecutorMessage),
  );
}
