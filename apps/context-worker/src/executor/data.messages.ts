/** Executor → main thread: a job asked for a data file's local path (`ctx.data.path` / `read`). */
export interface DataPathMessage {
  type: 'data-path';
  jobId: string;
  requestId: number;
  filename: string;
}

/** Main thread → executor: the answer to a {@link DataPathMessage}: a path, or why there is none. */
export interface DataPathAnswerMessage {
  type: 'data-path-answer';
  requestId: number;
  path?: string;
  error?: string;
}

/** Whether a message of the executor thread is a well-formed {@link DataPathMessage}. */
export function isDataPathMessage(value: Record<string, unknown>): value is DataPathMessage & Record<string, unknown> {
  return (
    value.type === 'data-path' &&
    typeof value.jobId === 'string' &&
    typeof value.requestId === 'number' &&
    typeof value.filename === 'string'
  );
}
