import { unwrap, type Api } from './api.call';
import type { CallOptions, ClusterStatus, HealthAnswer } from './api.types';
import type { HttpContext } from './http.context';
import { JobserverError } from './jobserver.error';
import { retryingFetch } from './retrying.fetch';

/** Health, cluster status and metrics. */
export class ServerApi {
  constructor(
    private readonly api: Api,
    private readonly http: HttpContext,
  ) {}

  /**
   * `GET /healthz` (no credentials needed): ok, or what is down. Unlike other calls, a 503 is an
   * answer here, not retried.
   */
  async health(options: CallOptions = {}): Promise<HealthAnswer & { ok: boolean }> {
    const once = retryingFetch(this.http.fetch, { attempts: 1 });
    try {
      return { ...(await unwrap('GET', this.api.GET('/healthz', { fetch: once, signal: options.signal }))), ok: true };
    } catch (error) {
      if (error instanceof JobserverError && error.status === 503) {
        return { status: 'ERROR', result: typeof error.result === 'string' ? error.result : undefined, ok: false };
      }
      throw error;
    }
  }

  /** Every live process of the cluster (permission `metrics:read`). */
  status(options: CallOptions = {}): Promise<ClusterStatus> {
    return unwrap('GET', this.api.GET('/status', { signal: options.signal }));
  }

  /** Prometheus text (permission `metrics:read`). */
  metrics(options: CallOptions = {}): Promise<string> {
    return unwrap('GET', this.api.GET('/metrics', { parseAs: 'text', signal: options.signal }));
  }
}
