import type { MessagePort } from 'node:worker_threads';
import { toErrorInfo } from '@jobserver/protocol';
import type { FromExecutorStatementMessage, ToExecutorStatementMessage } from './statement.messages';

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

/** How long a completion waits for the executor thread (a busy thread answers none). */
const COMPLETION_WAIT_MS = 1000;

/**
 * The main thread's side of the console messages of one executor: answers `load()` requests and
 * matches completion answers to their requests. Kept beside {@link Executor}, which routes the
 * `statement-*` messages here.
 */
export class ExecutorStatements {
  private readonly completions = new Map<string, (candidates: string[]) => void>();
  private nextCompletion = 0;

  /** Handles a statement message of the thread; `hooks` are those of the statement it names, if running. */
  onMessage(message: FromExecutorStatementMessage, port: MessagePort | undefined, hooks: StatementHooks | undefined): void {
    if (message.type === 'statement-progress') hooks?.onProgress?.(message.fraction);
    else if (message.type === 'statement-completion') this.completions.get(message.jobId)?.(message.candidates);
    else if (hooks && port) void this.answerLoad(message.jobId, message.requestId, message.appName, hooks, port);
  }

  /** Asks the thread for completion candidates; none when it does not answer in time. */
  complete(port: MessagePort | undefined, code: string, cursor: number): Promise<string[]> {
    const jobId = `completion:${++this.nextCompletion}`;
    return new Promise<string[]>((resolve) => {
      const timer = setTimeout(() => done([]), COMPLETION_WAIT_MS);
      const done = (candidates: string[]) => {
        clearTimeout(timer);
        this.completions.delete(jobId);
        resolve(candidates);
      };
      this.completions.set(jobId, done);
      send(port, { type: 'statement-complete', jobId, code, cursor });
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
