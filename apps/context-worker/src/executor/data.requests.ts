import { readFile } from 'node:fs/promises';
import type { DataFiles } from '@jobserver/api';
import type { DataPathAnswerMessage, DataPathMessage } from './data.messages';

/**
 * The executor thread's side of `ctx.data`: the thread holds no Postgres client, so it asks the
 * main thread for a file's path in the worker's data cache and reads the file from there.
 */
export class DataRequests {
  private nextRequest = 0;
  private readonly waiting = new Map<number, (answer: DataPathAnswerMessage) => void>();

  constructor(private readonly post: (message: DataPathMessage) => void) {}

  /** `ctx.data` of the job `jobId`. */
  forJob(jobId: string): DataFiles {
    const path = (filename: string) => this.path(jobId, filename);
    return Object.freeze({ path, read: async (filename: string) => readFile(await path(filename)) });
  }

  /** Hands the main thread's answer to the request waiting for it. */
  onAnswer(answer: DataPathAnswerMessage): void {
    this.waiting.get(answer.requestId)?.(answer);
    this.waiting.delete(answer.requestId);
  }

  private path(jobId: string, filename: string): Promise<string> {
    if (typeof filename !== 'string') return Promise.reject(new TypeError('data file name must be a string'));
    const requestId = ++this.nextRequest;
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(requestId, (answer) => {
        if (answer.path !== undefined) resolve(answer.path);
        else reject(new Error(answer.error ?? `data file ${filename} not found`));
      });
      this.post({ type: 'data-path', jobId, requestId, filename });
    });
  }
}
