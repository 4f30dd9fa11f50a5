import { serverInternals } from '@jobserver/api';
import type { FromExecutorMessage, ReportLimits } from './executor.messages';

const { JobReporter } = serverInternals;
type JobReporter = InstanceType<typeof JobReporter>;

// Taken when the thread loads, before job code runs: a job that replaces these globals does not
// stop its reports (nor get called by them).
const { setTimeout: later, clearTimeout: cancelLater, setImmediate: soon, clearImmediate: cancelSoon } = globalThis;
const now = Date.now;

/**
 * One job's `ctx.progress` / `ctx.stage` / `ctx.log` in the executor thread: recorded by the
 * reporter shared with `runJobForTest` (clamped, cut, the latest progress winning, the oldest
 * lines dropped past `logLinesRetained`), then posted to the main thread as one `reports`
 * message on the next tick, at most once every 1000 / `progressRate` ms. Nothing (no reporter,
 * no timer, no message) for a job that reports nothing.
 */
export class JobReports {
  private current: JobReporter | undefined;
  private pending: { kind: 'soon'; handle: NodeJS.Immediate } | { kind: 'later'; handle: NodeJS.Timeout } | undefined;
  private lastPost = -Infinity;
  private closed = false;

  constructor(
    private readonly jobId: string,
    private readonly limits: ReportLimits,
    private readonly post: (message: FromExecutorMessage) => void,
  ) {}

  /** The job's reporter, made on its first report. */
  get reporter(): JobReporter {
    this.current ??= new JobReporter(this.limits, () => this.schedule());
    return this.current;
  }

  /** Posts what waits now, and nothing after: the job ended (its `done` follows on the same port). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.pending || this.closed) return;
    const wait = this.lastPost + 1000 / this.limits.progressRate - now();
    this.pending =
      wait <= 0 ? { kind: 'soon', handle: soon(() => this.flush()) } : { kind: 'later', handle: later(() => this.flush(), wait) };
  }

  private flush(): void {
    if (this.pending?.kind === 'soon') cancelSoon(this.pending.handle);
    else if (this.pending) cancelLater(this.pending.handle);
    this.pending = undefined;
    if (!this.current || this.current.buffer.empty) return;
    const { events, dropped } = this.current.buffer.take();
    this.lastPost = now();
    this.post({ type: 'reports', jobId: this.jobId, events, dropped });
  }
}
