import type { CallOptions, ClusterEvent, JobEvent } from './api.types';
import { isTerminal } from './api.types';
import type { HttpContext } from './http.context';
import { httpError } from './http.context';
import { JobserverError } from './jobserver.error';
import { noAnswer, retryDelay, sleep } from './retrying.fetch';
import { parseSse, type SseMessage } from './sse.parser';

/** Options of a job's event stream. */
export interface JobEventsOptions extends CallOptions {
  /** Only the events after this seq. @defaultValue 0 (all) */
  after?: number;
}

/** Options of the cluster's event stream. */
export interface ClusterEventsOptions extends CallOptions {
  /** Only this context and its jobs. */
  context?: string;
  /** Only jobs of this app (no context events). */
  appName?: string;
}

/**
 * A job's events, as Server-Sent Events: those after `after`, then live ones, ending after the
 * terminal one (`finished`, `error`, `killed`). A dropped connection (a gateway restart, a
 * network cut) is resumed with `Last-Event-ID`, so no event is missed or repeated; the stream
 * gives up with a JobserverError (`unreachable`) once `retry.attempts` reconnects in a row got
 * nothing. Breaking out of the loop closes the connection.
 * @throws JobserverError for an error answer (404 unknown job), or when the signal aborts
 */
export async function* jobEventStream(http: HttpContext, jobId: string, options: JobEventsOptions = {}): AsyncGenerator<JobEvent> {
  let last = options.after ?? 0;
  const path = `/jobs/${encodeURIComponent(jobId)}/events`;
  for await (const message of resumingStream(http, () => ({ path, headers: last > 0 ? { 'last-event-id': String(last) } : ({} as Record<string, string>) }), options.signal)) {
    const event = JSON.parse(message.data) as JobEvent;
    if (typeof event.seq === 'number') last = event.seq;
    yield event;
    if (isTerminal(event)) return;
  }
}

/**
 * The cluster's live job and context state changes (`GET /events`), reconnecting when the
 * connection drops (changes during a reconnect are not replayed). Ends only when the signal
 * aborts (then it returns) or the server stays unreachable.
 */
export async function* clusterEventStream(http: HttpContext, options: ClusterEventsOptions = {}): AsyncGenerator<ClusterEvent> {
  const query = new URLSearchParams();
  if (options.context) query.set('context', options.context);
  if (options.appName) query.set('appName', options.appName);
  const path = `/events${query.size ? `?${query}` : ''}`;
  try {
    for await (const message of resumingStream(http, () => ({ path, headers: {} }), options.signal, true)) {
      if (message.event === 'job' || message.event === 'context') {
        yield { type: message.event, ...JSON.parse(message.data) } as ClusterEvent;
      }
    }
  } catch (error) {
    if (!(error instanceof JobserverError && error.kind === 'aborted')) throw error;
  }
}

/**
 * The messages of a stream, reconnected (with the request `next()` describes) whenever it ends
 * or drops; `retry.attempts` connections in a row that brought nothing end it with the last failure.
 */
async function* resumingStream(
  http: HttpContext,
  next: () => { path: string; headers: Record<string, string> },
  signal: AbortSignal | undefined,
  forever = false,
): AsyncGenerator<SseMessage> {
  let failures = 0;
  for (;;) {
    const { path, headers } = next();
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    const request = new Request(`${http.baseUrl}${path}`, {
      headers: { ...http.headers, ...headers, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    let failure: JobserverError | undefined;
    try {
      const response = await open(http, request);
      for await (const message of parseSse(chunks(response.body!))) {
        failures = 0;
        yield message;
      }
      if (!forever) failure = new JobserverError({ kind: 'unreachable', method: 'GET', url: request.url, cause: new Error('the event stream ended early') });
    } catch (error) {
      if (signal?.aborted) throw noAnswer(request, signal.reason);
      failure = error instanceof JobserverError ? error : noAnswer(request, error);
      if (failure.kind !== 'unreachable') throw failure;
    } finally {
      signal?.removeEventListener('abort', abort);
      controller.abort();
    }
    if (failure && ++failures >= http.retry.attempts) throw failure;
    await sleep(retryDelay(http.retry, Math.max(1, failures)), signal).catch(() => {
      throw new JobserverError({ kind: 'aborted', method: 'GET', url: request.url });
    });
  }
}

/** Connects; a 503 or no answer is `unreachable` (retried by the caller), another error answer is thrown as is. */
async function open(http: HttpContext, request: Request): Promise<Response> {
  const response = await http.fetch(request).catch((error: unknown) => {
    throw noAnswer(request, error);
  });
  if (response.status === 503) {
    const cause = await httpError('GET', response);
    throw new JobserverError({ kind: 'unreachable', method: 'GET', url: request.url, status: 503, body: cause.body, cause });
  }
  if (!response.ok) throw await httpError('GET', response);
  if (!response.body) throw new JobserverError({ kind: 'http', method: 'GET', url: request.url, status: response.status, body: '' });
  return response;
}

/** The chunks of a web stream (a reader loop: not every runtime's ReadableStream is async-iterable). */
async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
