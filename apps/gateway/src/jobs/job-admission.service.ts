import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { GroupCommit, JobLifecycle, type Submission } from '@jobserver/persistence';
import { errorInfo, type SubmitMessage } from '@jobserver/protocol';
import type { Queue } from 'bullmq';
import { SERVER_CONFIG, SUBMIT_QUEUE } from '../infra/tokens';

/** A job to admit: its record, and its submit message once it has a bundle. */
export interface Admission extends Submission {
  message: Omit<SubmitMessage, 'bundleSha'>;
}

/**
 * Admits jobs: records each QUEUED (JobLifecycle.submitMany) and hands it to the scheduler on the
 * submit queue. Concurrent submits share the work (GroupCommit): one INSERT, one Redis call for
 * their QUEUED events and one queue write for a whole batch, while a lone submit goes alone, at
 * once. Half the database pool is the most batches in flight, leaving the rest to reads.
 */
@Injectable()
export class JobAdmission {
  private readonly batches: GroupCommit<Admission, string | null>;
  /** Errors of the queue write: the batch's jobs are recorded (and ended), so they are not tried again one by one. */
  private readonly queueFailures = new WeakSet<object>();

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @Inject(SUBMIT_QUEUE) private readonly submitQueue: Queue<SubmitMessage>,
    private readonly lifecycle: JobLifecycle,
  ) {
    const lanes = Math.max(1, Math.floor(config.databasePoolSize / 2));
    this.batches = new GroupCommit((admissions) => this.admitMany(admissions), {
      lanes,
      maxBatch: 200,
      retryAlone: (error) => !(error instanceof Object && this.queueFailures.has(error)),
    });
  }

  /**
   * Records the job and queues it; null (nothing recorded or queued) when its app or a runnable
   * context is missing.
   * @returns the bundle sha the job runs
   * @throws what Redis throws when the job could not be queued (the job is then ended ERROR)
   */
  admit(admission: Admission): Promise<string | null> {
    return this.batches.run(admission);
  }

  /** {@link admit} of several jobs at once, in their order (POST /jobs/batch, and each group commit). */
  async admitMany(admissions: readonly Admission[]): Promise<Array<string | null>> {
    const shas = await this.lifecycle.submitMany(admissions);
    const recorded = admissions.flatMap((admission, i) => (shas[i] ? [{ admission, bundleSha: shas[i] }] : []));
    const entries = recorded.map(({ admission, bundleSha }) => ({
      name: 'job',
      data: { ...admission.message, bundleSha },
      opts: { jobId: admission.job.id, removeOnComplete: true, removeOnFail: true },
    }));
    try {
      // One entry goes by add: addBulk's MULTI costs more than a lone script call.
      if (entries.length === 1) await this.submitQueue.add(entries[0]!.name, entries[0]!.data, entries[0]!.opts);
      else if (entries.length > 1) await this.submitQueue.addBulk(entries);
    } catch (error) {
      // Redis went down since the readiness check: the recorded jobs never reached the scheduler.
      // End them now (else the stranded-job sweeper does, ~30 s later); the clients get the 503.
      // Nobody can hear an event on the Redis that just failed: none is published.
      const notQueued = { status: 'ERROR' as const, error: errorInfo('ServiceUnavailable', 'the job could not be queued') };
      const endings = recorded.map(({ admission: { job } }) => ({ job: { jobId: job.id, context: job.contextName, adHoc: job.adHoc }, ending: notQueued }));
      await this.lifecycle.endMany(endings, 'none').catch(() => undefined);
      if (error instanceof Object) this.queueFailures.add(error);
      throw error;
    }
    return shas;
  }
}
