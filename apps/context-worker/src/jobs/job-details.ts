import { serverInternals } from '@jobserver/api';
import { LogRetention, type DetailReport, type JobLifecycle, type RecordingJob } from '@jobserver/persistence/core';
import type { ReportedEvent, ReportLimits } from '../executor/executor.messages';
import type { Logger } from '../infra/logger';

const { ReportBuffer } = serverInternals;

/** Lines of one job copied to the server log a second, at most; the rest are counted, not copied. */
export const SERVER_LOG_LINES_PER_SECOND = 100;

const LOG_METHOD = { INFO: 'log', WARN: 'warn', ERROR: 'error' } as const;

/**
 * How early in its period a batch may be written, as a share of 1000 / `progress-rate` ms. The
 * executor thread already posts a job's reports at most `progress-rate` times a second; its
 * timer and this writer's drift by a hop's latency, so without this slack a batch posted on time
 * would often wait here for the last ~millisecond of the period (a timer more on the way of every
 * progress event to its streams). The slack only lets a thread's batches through on time.
 */
export const EARLY_SHARE = 0.2;

/**
 * One running job's reports on their way to Postgres and Redis: buffered as they arrive from the
 * executor (the latest progress winning, the oldest lines dropped past `log-lines-retained`),
 * written through {@link JobLifecycle.record} at most `progress-rate` times a second, one
 * statement a batch. Log lines also go to the server log, at most
 * {@link SERVER_LOG_LINES_PER_SECOND} a second. {@link finish} writes what is left before the
 * job's end is recorded. Made on a job's first report: a job that reports nothing costs nothing.
 */
export class JobDetailWriter {
  private readonly pending: InstanceType<typeof ReportBuffer>;
  private readonly retention: LogRetention;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastWrite = -Infinity;
  private dropped = 0;
  private copyWindow = { start: 0, copied: 0, skipped: 0 };
  private finished = false;
  /** Lines the job logged so far, earlier attempts' included (its last line + 1). */
  lines: number;

  /** @param lineOffset the lines earlier attempts of the job logged: this attempt's lines are numbered on from there */
  constructor(
    private readonly job: RecordingJob,
    private readonly limits: ReportLimits,
    private readonly lifecycle: JobLifecycle,
    private readonly logger: Logger,
    private readonly lineOffset = 0,
  ) {
    this.lines = lineOffset;
    this.pending = new ReportBuffer(limits.logLinesRetained);
    this.retention = new LogRetention(limits.logLinesRetained);
  }

  /** Takes a batch the executor posted (and how many lines it dropped); schedules its write. */
  add(events: readonly ReportedEvent[], dropped: number): void {
    this.dropped += dropped;
    for (const reported of events) {
      const event = reported.type === 'log' && this.lineOffset > 0 ? { ...reported, line: reported.line + this.lineOffset } : reported;
      if (event.type === 'log') this.lines = Math.max(this.lines, event.line + 1);
      this.pending.add(event);
      if (event.type === 'log') this.copyToServerLog(event);
    }
    this.schedule();
  }

  /** Writes everything still pending (after the write in flight); resolves once written or failed. */
  async finish(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (!this.pending.empty) await this.write();
    this.reportSkipped();
    if (this.dropped > 0) {
      this.logger.warn({ ...this.where(), dropped: this.dropped }, `${this.dropped} log lines were over log-lines-retained before they were written`);
    }
  }

  private schedule(): void {
    if (this.timer || this.writing || this.finished) return;
    const wait = this.lastWrite + (1000 / this.limits.progressRate) * (1 - EARLY_SHARE) - Date.now();
    if (wait <= 0) void this.write();
    else this.timer = setTimeout(() => ((this.timer = undefined), void this.write()), wait);
  }

  private write(): Promise<void> {
    const reports = this.pending.take().events as DetailReport[];
    this.lastWrite = Date.now();
    const writing = this.lifecycle
      .record(this.job, reports, this.retention)
      .then(
        () => undefined,
        (err: unknown) => this.logger.error({ err, ...this.where(), events: reports.length }, 'writing job details failed; they are lost'),
      )
      .finally(() => {
        this.writing = undefined;
        if (!this.pending.empty) this.schedule();
      });
    this.writing = writing;
    return writing;
  }

  private copyToServerLog(line: ReportedEvent & { type: 'log' }): void {
    const now = Date.now();
    if (now - this.copyWindow.start >= 1000) {
      this.reportSkipped();
      this.copyWindow = { start: now, copied: 0, skipped: 0 };
    }
    if (this.copyWindow.copied >= SERVER_LOG_LINES_PER_SECOND) {
      this.copyWindow.skipped++;
      return;
    }
    this.copyWindow.copied++;
    this.logger[LOG_METHOD[line.level]]({ ...line.fields, ...this.where() }, line.message);
  }

  private reportSkipped(): void {
    const { skipped } = this.copyWindow;
    if (skipped === 0) return;
    this.copyWindow.skipped = 0;
    this.logger.warn({ ...this.where(), skipped }, `${skipped} log lines not copied to the server log (over ${SERVER_LOG_LINES_PER_SECOND} a second)`);
  }

  private where(): { jobId: string; context: string } {
    return { jobId: this.job.jobId, context: this.job.context };
  }
}

/**
 * The detail writers of the jobs running in this worker: {@link begin} when a job starts (a map
 * entry, nothing else), a writer made on its first report, {@link end} before its end is recorded.
 */
export class JobDetailWriters {
  /** The jobs running here, with the lines their earlier attempts logged. */
  private readonly running = new Map<string, { job: RecordingJob; lineOffset: number }>();
  private readonly writers = new Map<string, JobDetailWriter>();
  private strayWindow = { start: 0, copied: 0 };

  constructor(
    private readonly limits: ReportLimits,
    private readonly lifecycle: JobLifecycle,
    private readonly logger: Logger,
  ) {}

  /** @param lineOffset for a retried job: the lines its earlier attempts logged ({@link lines}) */
  begin(job: RecordingJob, lineOffset = 0): void {
    this.running.set(job.jobId, { job, lineOffset });
  }

  /** Lines a running job logged so far, earlier attempts' included: the next attempt's offset. */
  lines(jobId: string): number {
    return this.writers.get(jobId)?.lines ?? this.running.get(jobId)?.lineOffset ?? 0;
  }

  /** Reports the executor posted for a job; dropped if the job is not running here (any more). */
  add(jobId: string, events: readonly ReportedEvent[], dropped: number): void {
    let writer = this.writers.get(jobId);
    if (!writer) {
      const running = this.running.get(jobId);
      if (!running) return this.copyStray(jobId, events);
      writer = new JobDetailWriter(running.job, this.limits, this.lifecycle, this.logger, running.lineOffset);
      this.writers.set(jobId, writer);
    }
    writer.add(events, dropped);
  }

  /**
   * Log lines of what is not a job running here (a console statement's `log`): to the server log
   * only, at most SERVER_LOG_LINES_PER_SECOND a second across all of them.
   */
  private copyStray(id: string, events: readonly ReportedEvent[]): void {
    const now = Date.now();
    if (now - this.strayWindow.start >= 1000) this.strayWindow = { start: now, copied: 0 };
    for (const event of events) {
      if (event.type !== 'log' || this.strayWindow.copied >= SERVER_LOG_LINES_PER_SECOND) continue;
      this.strayWindow.copied++;
      this.logger[LOG_METHOD[event.level]]({ ...event.fields, statement: id }, event.message);
    }
  }

  /** Writes the job's last reports; undefined (nothing to await) for a job that reported nothing. */
  end(jobId: string): Promise<void> | undefined {
    this.running.delete(jobId);
    const writer = this.writers.get(jobId);
    if (!writer) return undefined;
    this.writers.delete(jobId);
    return writer.finish();
  }
}
