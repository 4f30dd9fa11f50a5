import type { MessagePort } from 'node:worker_threads';
import type { NamedObjectInfo } from '@jobserver/api';
import { toErrorInfo } from '@jobserver/protocol';
import type { FromExecutorStatementMessage, ObjectsAnswerMessage, ToExecutorStatementMessage } from './statement.messages';

/** A console statement for {@link Executor.runStatement}. */
export interface ExecutorStatementRequest {
  /** The statement's key (statement.messages.ts `statementKey`). */
  jobId: string;
  executionCount: number;
  code: string;
  /** `statement-output-limit`: characters of `text/plain` kept. */
  maxOutputBytes: number;
}

/** What the main thread does for a running statement. */
export interface StatementHooks {
  /** Resolves `load(appName)` to the (verified) entry module path of the app's latest bundle. */
  load(appName: string): Promise<string>;
  /** The statement reported progress (a fraction in 0…1). */
  onProgress?(fraction: number): void;
}

/** How long a completion or catalog request waits for the executor thread (a busy thread answers none). */
const REQUEST_WAIT_MS = 1000;

/** The named-object catalog, and whether the object to remove was there. */
export interface ObjectCatalog {
  objects: NamedObjectInfo[];
  removed?: boolean;
}

/**
 * The main thread's side of the console messages of one executor: answers `load()` requests and
 * matches completion answers to their requests. Kept beside {@link Executor}, which routes the
 * `statement-*` messages here.
 */
export class ExecutorStatements {
  /** Requests to the thread (completions, catalogs) waiting for its answer, by key. */
  private readonly requests = new Map<string, (answer: FromExecutorStatementMessage) => void>();
  private nextRequest = 0;

  /** Handles a statement message of the thread; `hooks` are those of the statement it names, if running. */
  onMessage(message: FromExecutorStatementMessage, port: MessagePort | undefined, hooks: StatementHooks | undefined): void {
    if (message.type === 'statement-progress') hooks?.onProgress?.(message.fraction);
    else if (message.type === 'statement-completion' || message.type === 'statement-objects-answer') this.requests.get(message.jobId)?.(message);
    else if (hooks && port) void this.answerLoad(message.jobId, message.requestId, message.appName, hooks, port);
  }

  /** Asks the thread for completion candidates; none when it does not answer in time. */
  async complete(port: MessagePort | undefined, code: string, cursor: number): Promise<string[]> {
    const answer = await this.ask(port, (jobId) => ({ type: 'statement-complete', jobId, code, cursor }));
    return answer?.type === 'statement-completion' ? answer.candidates : [];
  }

  /** Asks the thread for its named-object catalog, removing `remove` first; null when it does not answer in time. */
  async objects(port: MessagePort | undefined, remove?: string): Promise<ObjectCatalog | null> {
    const answer = await this.ask(port, (jobId) => ({ type: 'statement-objects', jobId, remove }));
    if (answer?.type !== 'statement-objects-answer') return null;
    const { objects, removed } = answer as ObjectsAnswerMessage;
    return { objects, removed };
  }

  private ask(port: MessagePort | undefined, message: (jobId: string) => ToExecutorStatementMessage): Promise<FromExecutorStatementMessage | null> {
    const jobId = `request:${++this.nextRequest}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), REQUEST_WAIT_MS);
      const done = (answer: FromExecutorStatementMessage | null) => {
        clearTimeout(timer);
        this.requests.delete(jobId);
        resolve(answer);
      };
      this.requests.set(jobId, done);
      send(port, message(jobId));
    });
  }

  private async answerLoad(jobId: string, requestId: number, appName: string, hooks: StatementHooks, port: MessagePort): Promise<void> {
    try {
      send(port, { type: 'statement-loaded', jobId, requestId, entryPath: await hooks.load(appName) });
    } catch (error) {
      send(port, { type: 'statement-loaded', jobId, requestId, error: toErrorInfo(error) });
    }
  }
}

function send(port: MessagePort | undefined, message: ToExecutorStatementMessage): void {
  port?.postMessage(message);
}
