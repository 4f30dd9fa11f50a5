/**
 * Entry of the executor worker thread: runs user jobs away from the context-worker's control
 * plane. Holds the loaded bundles and the context's named objects for the thread's life.
 */
import { parentPort } from 'node:worker_threads';
import { NamedObjectStore } from '@jobserver/api';
import type {
  CancelJobMessage,
  FromExecutorMessage,
  RunJobMessage,
  ToExecutorMessage,
} from './executor.messages';
import { JobLoader } from './job.loader';
import { runLoadedJob } from './job.runner';

/** The executor thread's state: bundles, named objects, and one abort controller per job. */
class ExecutorThread {
  private readonly loader = new JobLoader();
  private readonly namedObjects = new NamedObjectStore();
  private readonly controllers = new Map<string, AbortController>();

  constructor(private readonly post: (message: FromExecutorMessage) => void) {}

  handle(message: ToExecutorMessage): void {
    if (message.type === 'run') void this.run(message);
    else if (message.type === 'cancel') this.cancel(message);
  }

  private async run(request: RunJobMessage): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(request.jobId, controller);
    try {
      const loaded = await this.loader.load(request.entryPath, request.classPath);
      const outcome = loaded.found
        ? await runLoadedJob(request, loaded.create, {
            namedObjects: this.namedObjects,
            signal: controller.signal,
            post: this.post,
          })
        : loaded.outcome;
      this.post({ type: 'done', jobId: request.jobId, outcome });
    } finally {
      this.controllers.delete(request.jobId);
    }
  }

  /** Aborts the job's signal with an `AbortError` carrying the reason; the job decides how to stop. */
  private cancel(message: CancelJobMessage): void {
    this.controllers.get(message.jobId)?.abort(new DOMException(message.reason, 'AbortError'));
  }
}

if (parentPort) {
  const port = parentPort;
  const thread = new ExecutorThread((message) => port.postMessage(message));
  port.on('message', (message: ToExecutorMessage) => thread.handle(message));
}
