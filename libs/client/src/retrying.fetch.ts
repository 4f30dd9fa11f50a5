import { DEFAULT_RETRY, type RetryPolicy } from './client.options';
import { JobserverError } from './jobserver.error';

/** Methods that may be sent again: the same request twice has the effect of once (RFC 9110). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Waits `ms`, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before attempt `attempt + 1`: exponential with jitter, or the server's `Retry-After`, capped. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(exponential / 2 + Math.random() * (exponential / 2), policy.maxDelayMs);
}

/**
 * A fetch that retries idempotent requests on 503 and on connection errors, with back-off, and
 * turns a request that got no answer into a {@link JobserverError} (`unreachable` or `aborted`).
 * POSTs are sent once: a POST that failed on the way may still have been done.
 */
export function retryingFetch(
  fetchImpl: typeof fetch = globalThis.fetch,
  retry: Partial<RetryPolicy> = {},
): (request: Request) => Promise<Response> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...retry };
  return async (request) => {
    const attempts = IDEMPOTENT.has(request.method) ? Math.max(1, policy.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetchImpl(attempt < attempts ? request.clone() : request);
      } catch (error) {
        const failure = noAnswer(request, error);
        if (failure.kind === 'aborted' || attempt >= attempts) throw failure;
        await pause(policy, attempt, null, request);
        continue;
      }
      if (response.status !== 503 || attempt >= attempts) return response;
      await response.body?.cancel().catch(() => undefined);
      await pause(policy, attempt, response.headers.get('retry-after'), request);
    }
  };
}

async function pause(policy: RetryPolicy, attempt: number, retryAfter: string | null, request: Request): Promise<void> {
  try {
    await sleep(retryDelay(policy, attempt, retryAfter), request.signal);
  } catch (error) {
    throw noAnswer(request, error);
  }
}

/** The error of a request that got no answer. */
export function noAnswer(request: Pick<Request, 'method' | 'url' | 'signal'>, error: unknown): JobserverError {
  if (error instanceof JobserverError) return error;
  const aborted = request.signal?.aborted ?? false;
  return new JobserverError({ kind: aborted ? 'aborted' : 'unreachable', method: request.method, url: request.url, cause: error });
}
