/**
 * Entry of the executor worker thread: runs user jobs away from the context-worker's control
 * plane. Holds the loaded bundles and the context's named objects for the thread's life.
 */
import { getHeapStatistics } from 'node:v8';
import { MessagePort, parentPort } from 'node:worker_threads';
import { NamedObjectStore, serverInternals } from '@jobserver/api';
import type {
  CancelJobMessage,
  ConnectMessage,
  FromExecutorMessage,
  RunJobMessage,
  ToExecutorMessage,
} from './executor.messages';
import { DataRequests } from './data.requests';
import { JobLoader } from './job.loader';
import { runLoadedJob } from './job.runner';
import { JobReports } from './job-reports';

const { progressRate, logLineLimit, logLinesRetained } = serverInternals.JOB_RUN_DEFAULTS;
import type { RunStatementMessage } from './statement.messages';
import { StatementRunner } from './statement.runner';
import type { RestoreSnapshotMessage, TakeSnapshotMessage } from './snapshot.messages';
import { deserializeObjects, serializeObjects } from './snapshot.serializer';

/** How often an idle thread tells its heap (ms); a job's or statement's end tells it too. */
const MEMORY_REPORT_MS = 5000;

const heapUsed = () => getHeapStatistics().used_heap_size;

function budgetOf(settings: Record<string, unknown>): number | undefined {
  const bytes = settings['named-objects-max-bytes'];
  return typeof bytes === 'number' && bytes > 0 ? bytes : undefined;
}

/** The executor thread's state: bundles, named objects, and one abort controller per job. */
class ExecutorThread {
  private readonly loader = new JobLoader();
  private readonly namedObjects: NamedObjectStore;
  private readonly controllers = new Map<string, AbortController>();
  private readonly statements: StatementRunner;
  private readonly data: DataRequests;

  constructor(private readonly post: (message: FromExecutorMessage) => void) {
    this.namedObjects = new NamedObjectStore((drop) => post({ type: 'objects-dropped', ...drop }));
    this.data = new DataRequests(post);
    const importEntry = (entryPath: string) => this.loader.importEntry(entryPath);
    const dataFor = (jobId: string) => this.data.forJob(jobId);
    this.statements = new StatementRunner({ namedObjects: this.namedObjects, post, importEntry, dataFor });
  }

  handle(message: ToExecutorMessage): void {
    // The context's settings come with each job and statement (normalized: bytes, or absent).
    if (message.type === 'run' || message.type === 'statement') this.namedObjects.limitBytes(budgetOf(message.settings));
    if (message.type === 'run') void this.run(message);
    else if (message.type === 'cancel') this.cancel(message);
    else if (message.type === 'data-path-answer') this.data.onAnswer(message);
    else if (message.type === 'statement') void this.runStatement(message);
    else if (message.type === 'statement-loaded') this.statements.onLoaded(message);
    else if (message.type === 'statement-complete') {
      void this.statements.complete(message).then((candidates) =>
        this.post({ type: 'statement-completion', jobId: message.jobId, candidates }),
      );
    } else if (message.type === 'statement-objects') void this.objects(message.jobId, message.remove);
    else if (message.type === 'snapshot-take') this.takeSnapshot(message);
    else if (message.type === 'snapshot-restore') void this.restoreSnapshot(message);
  }

  /** Serializes every named object at once: no job runs in between, so the snapshot is one moment's. */
  private takeSnapshot(message: TakeSnapshotMessage): void {
    const taken = serializeObjects(this.namedObjects.entries(), message.maxBytes);
    this.post({ type: 'snapshot-taken', jobId: message.jobId, ...taken });
  }

  /** Stores a snapshot's objects (restored objects have no ttl; a budget applies with the first job's settings). */
  private async restoreSnapshot(message: RestoreSnapshotMessage): Promise<void> {
    const { values, failed } = deserializeObjects(message.objects);
    for (const [name, value] of values) await this.namedObjects.update(name, value);
    this.post({ type: 'snapshot-restored', jobId: message.jobId, restored: values.map(([name]) => name), failed });
  }

  /** The named-object catalog, after destroying `remove` if asked. */
  private async objects(jobId: string, remove: string | undefined): Promise<void> {
    const removed = remove === undefined ? undefined : this.namedObjects.has(remove);
    if (removed) await this.namedObjects.destroy(remove!);
    this.post({ type: 'statement-objects-answer', jobId, objects: this.namedObjects.catalog(), removed });
  }

  /** A console statement: like a job, with a signal that `cancel` aborts. */
  private async runStatement(request: RunStatementMessage): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(request.jobId, controller);
    try {
      const output = await this.statements.run(request, controller.signal);
      this.post({ type: 'done', jobId: request.jobId, outcome: { kind: 'statement', output }, heapUsed: heapUsed() });
    } finally {
      this.controllers.delete(request.jobId);
    }
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
            data: this.data.forJob(request.jobId),
          })
        : loaded.outcome;
      // The job's last reports go before its end: the main thread records them first.
      reports.close();
      this.post({ type: 'done', jobId: request.jobId, outcome, heapUsed: heapUsed() });
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
  // Node 20 has no Worker.getHeapStatistics(): the thread tells its own heap (unref: never keeps it alive).
  const tellMemory = () => sendOn(port, { type: 'memory', heapUsed: heapUsed() } satisfies FromExecutorMessage);
  tellMemory();
  setInterval(tellMemory, MEMORY_REPORT_MS).unref();
});
