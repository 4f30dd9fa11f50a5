/**
 * Entry of the executor worker thread: runs user jobs away from the context-worker's control
 * plane. Holds the loaded bundles and the context's named objects for the thread's life.
 */
import { MessagePort, parentPort } from 'node:worker_threads';
import { NamedObjectStore, serverInternals } from '@jobserver/api';
import type {
  CancelJobMessage,
  ConnectMessage,
  FromExecutorMessage,
  RunJobMessage,
  ToExecutorMessage,
} from './executor.messages';
import { JobLoader } from './job.loader';
import { runLoadedJob } from './job.runner';
import { JobReports } from './job-reports';

const { progressRate, logLineLimit, logLinesRetained } = serverInternals.JOB_RUN_DEFAULTS;

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
    const limits = request.reportLimits ?? { progressRate, logLineLimit, logLinesRetained };
    const reports = new JobReports(request.jobId, limits, this.post);
    try {
      const loaded = await this.loader.load(request.entryPath, request.classPath);
      const outcome = loaded.found
        ? await runLoadedJob(request, loaded.create, {
            namedObjects: this.namedObjects,
            signal: controller.signal,
            post: this.post,
            reports,
          })
        : loaded.outcome;
      // The job's last reports go before its end: the main thread records them first.
      reports.close();
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

/**
 * `MessagePort.prototype.postMessage`, taken before any job code runs: a job that overwrites it
 * (or the port's own `postMessage`) does not silence the thread.
 */
const sendOn: (port: MessagePort, message: FromExecutorMessage) => void = Function.prototype.call.bind(
  MessagePort.prototype.postMessage,
);

// The first message on parentPort carries the private channel (executor.channel.ts); nothing
// else is read from parentPort, which job code can reach.
parentPort?.once('message', ({ port }: ConnectMessage) => {
  const thread = new ExecutorThread((message) => sendOn(port, message));
  port.on('message', (message: ToExecutorMessage) => thread.handle(message));
});
