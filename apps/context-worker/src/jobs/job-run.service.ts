import { Inject, Injectable, Logger } from '@nestjs/common';
import { contextLimits, type ServerConfig } from '@jobserver/config';
import { JobRepository, type ContextRecord, type JobEnding } from '@jobserver/persistence';
import {
  errorInfo,
  EventBus,
  toErrorInfo,
  type ContextJobMessage,
  type JobEvent,
  type JobRejection,
} from '@jobserver/protocol';
import { BundleCacheService } from '../bundles/bundle-cache.service';
import { ExecutorService } from '../context/executor.service';
import type { JobOutcome } from '../executor/executor.messages';
import { SERVER_CONFIG } from '../infra/tokens';

type Ending = JobEnding & { rejection?: JobRejection };

/** Runs the context's jobs in its executor and records how they end. */
@Injectable()
export class JobRunService {
  private readonly logger = new Logger(JobRunService.name);
  /** Jobs asked to stop, with the message they end KILLED with. */
  private readonly cancelled = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private context: ContextRecord | undefined;
  private stopping = false;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
    private readonly bundles: BundleCacheService,
    private readonly executors: ExecutorService,
  ) {}

  attach(context: ContextRecord): void {
    this.context = context;
  }

  run(message: ContextJobMessage): Promise<void> {
    const running = this.execute(message).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  /**
   * Aborts a running job's signal; after `kill-grace` a job still running is stopped by
   * replacing the executor. Returns false if the job is not running here.
   */
  cancel(jobId: string, message = `Job ${jobId} killed`): boolean {
    const executor = this.executors.executor;
    if (!executor.runningJobIds().includes(jobId) || this.cancelled.has(jobId)) return false;
    this.cancelled.set(jobId, message);
    executor.cancel(jobId, message);
    setTimeout(() => {
      if (!this.executors.executor.runningJobIds().includes(jobId)) return;
      const grace = this.config.killGraceMs / 1000;
      void this.executors.restart(`executor replaced: job ${jobId} did not stop within kill-grace (${grace}s)`);
    }, this.config.killGraceMs).unref();
    return true;
  }

  /** From now on every job ends KILLED; resolves when the jobs in flight have ended. */
  async drain(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async execute(message: ContextJobMessage): Promise<void> {
    const context = this.context!;
    const { jobId } = message;
    if (this.stopping || !(await this.jobs.claim(jobId))) return;
    const timeoutMs = contextLimits(context.settings).jobTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const onStarted = () => {
      this.publish({ jobId, status: 'RUNNING' });
      if (timeoutMs) {
        const limit = `${timeoutMs / 1000}s`;
        timer = setTimeout(() => this.cancel(jobId, `Job ${jobId} killed: ran longer than job-timeout=${limit}`), timeoutMs);
      }
    };
    let outcome: JobOutcome;
    try {
      const entryPath = await this.bundles.entryPath(message.bundleSha);
      const request = { jobId, entryPath, classPath: message.classPath, config: JSON.parse(message.config) };
      outcome = await this.executors.executor.run(request, onStarted);
    } catch (error) {
      outcome = { kind: 'load-failed', error: toErrorInfo(error) };
    } finally {
      clearTimeout(timer);
    }
    const ending = this.toEnding(jobId, message.classPath, outcome);
    this.cancelled.delete(jobId);
    if (await this.jobs.end(jobId, ending)) {
      this.publish({ jobId, status: ending.status, result: ending.result ?? undefined, error: ending.error ?? undefined, rejection: ending.rejection });
    }
    this.logger.log({ jobId, context: context.name, status: ending.status }, 'job ended');
  }

  private toEnding(jobId: string, classPath: string, outcome: JobOutcome): Ending {
    const killed = this.cancelled.get(jobId) ?? (this.stopping ? `Job ${jobId} killed` : undefined);
    if (killed) return { status: 'KILLED', error: errorInfo('JobKilled', killed) };
    switch (outcome.kind) {
      case 'finished':
        return { status: 'FINISHED', result: outcome.result ?? null };
      case 'invalid':
        return { status: 'ERROR', error: errorInfo('ValidationFailed', outcome.reason), rejection: 'VALIDATION' };
      case 'class-not-found':
        return {
          status: 'ERROR',
          error: errorInfo('ClassPathNotFound', `classPath ${classPath} not found`),
          rejection: 'CLASS_NOT_FOUND',
        };
      default:
        return { status: 'ERROR', error: outcome.error };
    }
  }

  private publish(event: Omit<JobEvent, 'kind' | 'context' | 'adHoc'>): void {
    const context = this.context!;
    this.bus
      .publish({ kind: 'job', context: context.name, adHoc: context.adHoc, ...event })
      .catch((err: unknown) => this.logger.error({ err, jobId: event.jobId, context: context.name }, 'publish failed'));
  }
}
