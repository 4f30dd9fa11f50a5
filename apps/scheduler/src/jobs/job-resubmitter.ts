import { Injectable } from '@nestjs/common';
import type { RetriedJob } from '@jobserver/persistence';
import type { SubmitMessage } from '@jobserver/protocol';
import { SubmitQueue } from './submit-queue';

/**
 * Submits again the jobs of an ad-hoc context whose worker died and that have attempts left
 * (JobLifecycle.retryActiveOfAdHoc): each goes back on the `submit` queue as its gateway first
 * put it, so that a scheduler creates a fresh ad-hoc context of the same name (with the same
 * settings) and routes it there.
 */
@Injectable()
export class JobResubmitter {
  constructor(private readonly submitQueue: SubmitQueue) {}

  /** Queues the retried jobs of the ad-hoc context `context` (its settings are the new context's). */
  async resubmit(context: { name: string; settings: Record<string, unknown> }, jobs: readonly RetriedJob[]): Promise<void> {
    await this.submitQueue.add(
      jobs.map(
        (job): SubmitMessage => ({
          jobId: job.id,
          context: context.name,
          adHoc: true,
          settings: context.settings,
          appName: job.appName,
          bundleSha: job.bundleSha,
          classPath: job.classPath,
          config: job.config,
          owner: job.owner,
          // Nobody waits for its RUNNING any more: sync requests wait for its end.
          notifyStart: false,
          priority: job.priority,
          firstLogLine: job.logLines,
        }),
      ),
    );
  }
}
