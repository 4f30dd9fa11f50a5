import { Inject, Injectable } from '@nestjs/common';
import { contextSettingsOf, normalizeContextSettings, type ServerConfig } from '@jobserver/config';
import { BundleRepository, ContextRepository, GroupCommit, JobLifecycle, type Submission } from '@jobserver/persistence';
import {
  adHocContextName,
  BundleNotFound,
  ContextNotFound,
  ContextStopping,
  errorInfo,
  TooManyContexts,
  contextJobMessage,
  type SubmitMessage,
} from '@jobserver/protocol';
import { ReplicaAck } from '@jobserver/protocol/redis';
import type { Queue } from 'bullmq';
import { ContextQueues, type ContextQueueEntry } from '../infra/context-queues';
import { assertContextName, isAppName } from '../infra/names';
import { SERVER_CONFIG, SUBMIT_QUEUE } from '../infra/tokens';
import type { JobTargetQuery } from './dto/submit-job.query';

/** A job to admit: its record, and its submit message once it has a bundle. */
export interface Admission extends Submission {
  message: Omit<SubmitMessage, 'bundleSha'>;
}

/** Where a job will run: a named context, or an ad-hoc one to create with `settings`. */
export interface Placement {
  context: string;
  adHoc: boolean;
  settings?: Record<string, unknown>;
}

/**
 * Admits jobs: places each, records it QUEUED (JobLifecycle.submitMany) and queues it, or says
 * why not. A job of a named context goes straight to the context's queue (its INSERT found the
 * context live), an ad-hoc job to a scheduler on the submit queue (its context is created
 * first). Concurrent submits share the work (GroupCommit): one INSERT, one Redis call for their
 * QUEUED events and one queue write per queue for a whole batch, while a lone submit goes alone,
 * at once. Half the database pool is the most batches in flight, leaving the rest to reads.
 */
@Injectable()
export class JobAdmission {
  private readonly batches: GroupCommit<Admission, string | null>;
  /** Errors of the queue write: the batch's jobs are recorded (and ended), so they are not tried again one by one. */
  private readonly queueFailures = new WeakSet<object>();
  /** Queue failures after which the jobs may be queued all the same (see mayHaveQueued). */
  private readonly uncertain = new WeakSet<object>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(SUBMIT_QUEUE) private readonly submitQueue: Queue<SubmitMessage>,
    private readonly lifecycle: JobLifecycle,
    private readonly bundles: BundleRepository,
    private readonly contexts: ContextRepository,
    private readonly contextQueues: ContextQueues,
    private readonly ack: ReplicaAck,
  ) {
    this.batches = new GroupCommit((admissions) => this.admitMany(admissions), {
      lanes: Math.max(1, Math.floor(config.databasePoolSize / 2)),
      maxBatch: 200,
      retryAlone: (error) => !(error instanceof Object && this.queueFailures.has(error)),
    });
  }

  /** Where a job of `target` with this config runs; an ad-hoc context takes the config's `context-settings`. */
  place(target: JobTargetQuery, jobConfig: Record<string, unknown>): Placement {
    if (target.context !== undefined) {
      assertContextName(target.context);
      return { context: target.context, adHoc: false };
    }
    const settings = normalizeContextSettings(this.config.contextDefaults, contextSettingsOf(jobConfig));
    return { context: adHocContextName(target.classPath), adHoc: true, settings };
  }

  /**
   * Refuses ad-hoc jobs before anything is recorded when they would take more than `max-contexts`
   * live contexts. Not race-safe by itself: the scheduler's insert of an ad-hoc context is (the
   * job then ends ERROR).
   */
  async assertRoomForContexts(count: number): Promise<void> {
    if ((await this.contexts.countLive()) + count > this.config.maxContexts) throw new TooManyContexts(this.config.maxContexts);
  }

  /**
   * Records the job and queues it; null (nothing recorded or queued) when its app or a runnable
   * context is missing.
   * @returns the bundle sha the job runs
   * @throws what Redis throws when the job could not be queued (the job is then ended ERROR)
   */
  admit(admission: Admission): Promise<string | null> {
    return isAppName(admission.job.appName) ? this.batches.run(admission) : Promise.resolve(null);
  }

  /** {@link admit} of several jobs at once, in their order (POST /jobs/batch, and each group commit). */
  async admitMany(admissions: readonly Admission[]): Promise<Array<string | null>> {
    const shas = await this.lifecycle.submitMany(admissions);
    const recorded = admissions.flatMap((admission, i) => (shas[i] ? [{ admission, bundleSha: shas[i] }] : []));
    const failures = await this.enqueue(recorded);
    if (failures.length) {
      // Redis went down since the readiness check. A command never sent ("Stream isn't writeable")
      // queued nothing: its jobs are ended now (else the stranded-job sweeper does, ~30 s later).
      // One in flight when the connection dropped may have been applied: those rows stay QUEUED,
      // run if their message is in a queue, else the sweeper ends them. The clients get the 503.
      // Nobody can hear an event on the Redis that just failed: none is published.
      const notQueued = { status: 'ERROR' as const, error: errorInfo('ServiceUnavailable', 'the job could not be queued') };
      const endings = failures
        .filter(({ error }) => neverSent(error))
        .flatMap(({ jobs }) => jobs.map((job) => ({ job: { jobId: job.id, context: job.contextName, adHoc: job.adHoc }, ending: notQueued })));
      if (endings.length) await this.lifecycle.endMany(endings, 'none').catch(() => undefined);
      throw this.failedQueueing(failures[0]!.error, failures.some(({ error }) => !neverSent(error)));
    }
    // Sentinel mode: answered only once a replica holds the submit messages. If the master dies
    // meanwhile the client gets 503, and the job's row stays QUEUED: it runs if its message
    // survived, else the stranded-job sweeper ends it.
    if (recorded.length) await this.ack.confirm().catch((error: unknown) => Promise.reject(this.failedQueueing(error, true)));
    return shas;
  }

  /**
   * Queues recorded jobs, one queue write per queue (named contexts' queues; `submit` for ad-hoc
   * jobs, whose context a scheduler creates first).
   * @returns the writes that failed, with their jobs
   */
  private async enqueue(recorded: ReadonlyArray<{ admission: Admission; bundleSha: string }>): Promise<Array<{ jobs: Admission['job'][]; error: unknown }>> {
    const adHoc: Array<{ job: Admission['job']; data: SubmitMessage }> = [];
    const named = new Map<string, Array<{ job: Admission['job']; entry: ContextQueueEntry }>>();
    for (const { admission: { job, message }, bundleSha } of recorded) {
      if (message.adHoc) {
        adHoc.push({ job, data: { ...message, bundleSha } });
        continue;
      }
      const group = named.get(message.context) ?? [];
      group.push({ job, entry: { message: contextJobMessage(message, bundleSha), priority: message.priority } });
      named.set(message.context, group);
    }
    const writes = [...named].map(([context, group]) => ({
      jobs: group.map(({ job }) => job),
      write: this.contextQueues.addJobs(context, group.map(({ entry }) => entry)),
    }));
    if (adHoc.length) writes.push({ jobs: adHoc.map(({ job }) => job), write: this.addToSubmit(adHoc.map(({ data }) => data)) });
    const settled = await Promise.allSettled(writes.map(({ write }) => write));
    return settled.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ jobs: writes[i]!.jobs, error: outcome.reason as unknown }] : []));
  }

  private async addToSubmit(messages: readonly SubmitMessage[]): Promise<void> {
    const opts = (message: SubmitMessage) => ({ jobId: message.jobId, removeOnComplete: true, removeOnFail: true });
    // One entry goes by add: addBulk's MULTI costs more than a lone script call.
    if (messages.length === 1) await this.submitQueue.add('job', messages[0]!, opts(messages[0]!));
    else await this.submitQueue.addBulk(messages.map((data) => ({ name: 'job', data, opts: opts(data) })));
  }

  /**
   * Whether `error`, thrown by {@link admit}, left its job possibly queued (a Redis command cut in
   * flight): the job may run, so an idempotency key must keep pointing at it.
   */
  mayHaveQueued(error: unknown): boolean {
    return error instanceof Object && this.uncertain.has(error);
  }

  /** Marks an error of the queue hand-over: never retried alone (the jobs are recorded). */
  private failedQueueing(error: unknown, uncertain: boolean): unknown {
    if (error instanceof Object) {
      this.queueFailures.add(error);
      if (uncertain) this.uncertain.add(error);
    }
    return error;
  }

  /**
   * Says why a job of `target` could not be recorded (only looked up then: the happy path is one
   * statement). Returns when nothing is wrong any more (the context just became live), for one retry.
   * @throws BundleNotFound, ContextNotFound or ContextStopping
   */
  async explainRefusal(target: JobTargetQuery, contextOwner: string | null): Promise<void> {
    const [bundle, context] = await Promise.all([
      isAppName(target.appName) ? this.bundles.latest(target.appName) : null,
      target.context === undefined ? undefined : this.contexts.findLive(target.context),
    ]);
    if (!bundle) throw new BundleNotFound(target.appName, `appName ${target.appName} not found`);
    if (context === null || (context && contextOwner !== null && context.owner !== contextOwner)) {
      throw new ContextNotFound(target.context!);
    }
    if (context?.state === 'STOPPING') throw new ContextStopping();
  }
}

/** ioredis refused the command before sending it (offline): it cannot have been applied. */
function neverSent(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Stream isn't writeable");
}
