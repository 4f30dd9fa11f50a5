import { Injectable, Logger } from '@nestjs/common';
import { ContextRepository, JobRepository } from '@jobserver/persistence';
import {
  ContextExists,
  errorInfo,
  EventBus,
  toErrorInfo,
  type ErrorInfo,
  type JobRejection,
  type SubmitMessage,
} from '@jobserver/protocol';
import { ContextLifecycleService } from '../contexts/context-lifecycle.service';
import { ContextQueues } from '../infra/context-queues';

/** Routes a submitted job to its context's queue, creating its ad-hoc context first. */
@Injectable()
export class JobRouterService {
  private readonly logger = new Logger(JobRouterService.name);

  constructor(
    private readonly contexts: ContextRepository,
    private readonly jobs: JobRepository,
    private readonly lifecycle: ContextLifecycleService,
    private readonly queues: ContextQueues,
    private readonly bus: EventBus,
  ) {}

  async route(message: SubmitMessage): Promise<void> {
    const log = { jobId: message.jobId, context: message.context };
    if (message.adHoc) {
      const failure = await this.startAdHoc(message);
      if (failure) return this.reject(message, failure);
    } else {
      const context = await this.contexts.findLive(message.context);
      if (!context) return this.reject(message, errorInfo('ContextNotFound', `context ${message.context} not found`), 'CONTEXT_NOT_FOUND');
      if (context.state === 'STOPPING') return this.reject(message, errorInfo('ContextStopping', 'Context stop in progress'), 'CONTEXT_STOPPING');
    }
    await this.queues.route(message.context, {
      jobId: message.jobId,
      appName: message.appName,
      bundleSha: message.bundleSha,
      classPath: message.classPath,
      config: message.config,
    });
    this.logger.debug(log, 'job routed');
  }

  private async startAdHoc(message: SubmitMessage): Promise<ErrorInfo | null> {
    try {
      const context = await this.contexts.insertStarting(message.context, message.settings ?? {}, true);
      return await this.lifecycle.start(context);
    } catch (error) {
      // A redelivered submit finds its ad-hoc context already live: route to it.
      if (error instanceof ContextExists) return null;
      return toErrorInfo(error);
    }
  }

  private async reject(message: SubmitMessage, error: ErrorInfo, rejection?: JobRejection): Promise<void> {
    this.logger.warn({ jobId: message.jobId, context: message.context, reason: error.message }, 'job rejected');
    if (await this.jobs.end(message.jobId, { status: 'ERROR', error })) {
      await this.bus.publish({
        kind: 'job',
        jobId: message.jobId,
        context: message.context,
        adHoc: message.adHoc,
        status: 'ERROR',
        error,
        rejection,
      });
    }
  }
}
