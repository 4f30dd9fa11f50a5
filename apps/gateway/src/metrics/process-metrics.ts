import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';

/**
 * The answering gateway's own metrics (prom-client): Node process defaults and its HTTP request
 * durations. Per gateway, unlike the cluster families: Prometheus scrapes each gateway for them.
 */
export class ProcessMetrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'jobserver_http_request_duration_seconds',
    help: 'HTTP requests answered by this gateway, by method, route pattern and status code',
    labelNames: ['method', 'route', 'code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    // The event-loop lag is sampled 10 times a second, not prom-client's default 100: each sample
    // is a timer that wakes the gateway (idle, ~100 wake-ups a second less).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }

  /** Records a request; `route` is the route's pattern (`/jobs/:id`), never the raw URL. */
  observe(method: string, route: string, code: number, seconds: number): void {
    this.requests.observe({ method, route, code: String(code) }, seconds);
  }

  /** The text of the process families. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition's content type (text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }
}
