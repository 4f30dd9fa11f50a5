import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository, JobLifecycle, JobRepository } from '@jobserver/persistence';
import {
  ContextExists,
  contextJobMessage,
  toErrorInfo,
  type ErrorInfo,
  type SubmitMessage,
} from '@jobserver/protocol';
import { ContextLifecycleService } from '../contexts/context-lifecycle.service';
import { ContextQueues } from '../infra/context-queues';
import { SERVER_CONFIG } from '../infra/tokens';

/**
 * Routes a submitted job to its context's queue, creating its ad-hoc context first. Gateways put
 * jobs of named contexts on their queues themselves; those that come here are schedule ticks'.
 */
@Injectable()
export class JobRouterService {
  private readonly logger = new Logger(JobRouterService.name);

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly contexts: ContextRepository,
    private readonly jobLifecycle: JobLifecycle,
    private readonly jobs: JobRepository,
    private readonly lifecycle: ContextLifecycleService,
    private readonly queues: ContextQueues,
  ) {}

  /**
   * `redelivered`: the message was handed out before (its scheduler died or stalled). An ad-hoc job
   * waits in its context's queue from the moment the context is recorded, so it may have run (and
   * its context ended) meanwhile: a job no longer QUEUED gets no new context.
   */
  async route(message: SubmitMessage, redelivered = false): Promise<void> {
    const log = { jobId: message.jobId, context: message.context };
    if (message.adHoc && redelivered && (await this.jobs.byId(message.jobId))?.status !== 'QUEUED') {
      return this.logger.warn(log, 'submit re-delivered after its job was taken; nothing to do');
    }
    // A named context was checked as the job was recorded (live, not stopping): a stop that
    // began since ends the job with the context's other jobs, and its worker skips it.
    if (message.adHoc) {
      const { failure, queued } = await this.startAdHoc(message);
      if (failure) return this.reject(message, failure);
      if (queued) return this.logger.debug(log, 'job routed');
    }
    await this.queue(message);
    this.logger.debug(log, 'job routed');
  }

  private queue(message: SubmitMessage): Promise<void> {
    return this.queues.route(message.context, contextJobMessage(message, message.bundleSha), message.priority);
  }

  /**
   * Records the job's ad-hoc context, queues the job and starts the context: the job waits in the
   * queue while the worker boots, and its worker takes it as it starts consuming (a context that
   * fails to start has its queue dropped, and the job ends ERROR).
   */
  private async startAdHoc(message: SubmitMessage): Promise<{ failure: ErrorInfo | null; queued: boolean }> {
    let queued = false;
    try {
      // The gateway checked max-contexts at submit; this insert is the race-safe check (the job then
      // ends ERROR with TooManyContexts' message).
      const settings = message.settings ?? {};
      const context = await this.contexts.insertStarting(message.context, settings, true, typeof message.owner === 'string' ? message.owner : null, this.config.maxContexts);
      await this.queue(message);
      queued = true;
      return { failure: await this.lifecycle.start(context, context), queued };
    } catch (error) {
      // A redelivered submit finds its ad-hoc context already live: route to it (starting it if
      // the scheduler that was starting it died).
      if (error instanceof ContextExists) return { failure: await this.lifecycle.resume(message.context).catch(toErrorInfo), queued };
      return { failure: toErrorInfo(error), queued };
    }
  }

  private async reject(message: SubmitMessage, error: ErrorInfo): Promise<void> {
    this.logger.warn({ jobId: message.jobId, context: message.context, reason: error.message }, 'job rejected');
    const job = { jobId: message.jobId, context: message.context, adHoc: message.adHoc };
    await this.jobLifecycle.end(job, { status: 'ERROR', error });
  }
}
