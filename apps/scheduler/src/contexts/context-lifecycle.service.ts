import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository, JobLifecycle, type ContextRecord } from '@jobserver/persistence';
import { errorInfo, EventWaiter, LIVE_CONTEXT_STATES, type ContextState, type ErrorInfo } from '@jobserver/protocol';
import { EventBus, JobClaims } from '@jobserver/protocol/redis';
import { ContextQueues } from '../infra/context-queues';
import { SchedulerLeases } from '../infra/redis-lease';
import { LAUNCHER, SERVER_CONFIG } from '../infra/tokens';
import type { Launcher } from '../launchers/launcher';
import { JobResubmitter } from '../jobs/job-resubmitter';
import { OrphanedStatementSweeper } from '../statements/orphaned-statement.sweeper';

/** A context life to start: its record, or its name and id (a create command's). */
type ContextLife = Pick<ContextRecord, 'id' | 'name'>;

/** How long a worker may take to stop by itself beyond its jobs' kill grace. */
const STOP_MARGIN_MS = 5_000;

/** Owns context lives: launch, stop, and declaring a context dead. */
@Injectable()
export class ContextLifecycleService {
  private readonly logger = new Logger(ContextLifecycleService.name);

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(LAUNCHER) private readonly launcher: Launcher,
    private readonly leases: SchedulerLeases,
    private readonly contexts: ContextRepository,
    private readonly jobLifecycle: JobLifecycle,
    private readonly bus: EventBus,
    private readonly waiter: EventWaiter,
    private readonly queues: ContextQueues,
    private readonly statements: OrphanedStatementSweeper,
    private readonly resubmitter: JobResubmitter,
    private readonly claims: JobClaims,
  ) {}

  /**
   * Launches the worker of a STARTED context and waits until it reports RUNNING. One scheduler
   * at a time starts a given context (a start lease): a re-delivered create command waits for
   * the start in progress to end, or, if the scheduler starting it died, takes over once its
   * lease lapses.
   * `context` may be the name and id alone: its record is read once the start is this scheduler's
   * (a re-delivered command may find it started already). `inserted`: the caller has just recorded
   * it, so no other start can have begun, and that record is launched as it is.
   * @returns null once RUNNING (or started elsewhere), else why it failed (the context is then ERROR)
   */
  async start(context: ContextLife, inserted?: ContextRecord): Promise<ErrorInfo | null> {
    const lease = this.leases.contextStart(context.id);
    for (;;) {
      let failure: ErrorInfo | null = null;
      const ran = await lease.run(async () => {
        failure = await this.launchAndWait(context, inserted);
      });
      if (ran) return failure;
      await new Promise((resolve) => setTimeout(resolve, this.leases.ttlMs / 3));
      const now = await this.contexts.byId(context.id);
      if (now?.state !== 'STARTED') return startedElsewhere(context, now);
    }
  }

  /**
   * Starts a context a scheduler that died left STARTED (its ad-hoc submit was re-delivered); a
   * no-op for a context that is not STARTED or that another scheduler is starting.
   * @returns null if the context runs (or is being started elsewhere), else why it failed
   */
  async resume(name: string): Promise<ErrorInfo | null> {
    const context = await this.contexts.findLive(name);
    return context?.state === 'STARTED' ? this.start(context) : null;
  }

  private async launchAndWait(life: ContextLife, inserted: ContextRecord | undefined): Promise<ErrorInfo | null> {
    const reported = this.waiter.forContext(life.name, (e) => e.contextId === life.id && e.state !== 'STARTED');
    // Read after listening: a worker of an earlier start (re-delivered create) may be RUNNING already.
    const context = inserted ?? (await this.contexts.byId(life.id));
    if (context?.state !== 'STARTED') {
      reported.cancel();
      return startedElsewhere(life, context);
    }
    let exited: Promise<string>;
    let pid: number | undefined;
    try {
      const worker = await this.launcher.launch(context);
      context.pid = worker.pid ?? null;
      await this.contexts.transition(context.id, ['STARTED'], 'STARTED', { worker: worker.worker, pid: worker.pid ?? null });
      exited = worker.exited;
      pid = worker.pid;
    } catch (error) {
      reported.cancel();
      return this.fail(context, errorInfo('ContextInitError', `launch failed: ${(error as Error).message}`));
    }
    const outcome = await Promise.race([reported.wait(this.config.contextCreationTimeoutMs), exited]);
    if (typeof outcome === 'object' && outcome?.state === 'RUNNING') {
      void exited
        .then((how) => this.onExit(context, how, pid))
        .catch((err: unknown) => this.logger.error({ err, context: context.name }, 'handling a worker exit failed'));
      return null;
    }
    reported.cancel();
    // A DELETE during start-up kills the worker: that is a stop (stop() ends it FINISHED), not a failure.
    if (await this.stopRequested(context)) {
      return errorInfo('ContextStopped', `context ${context.name} was stopped while starting`);
    }
    if (typeof outcome === 'string') {
      if (await this.hostedByAnother(context, pid)) return null;
      return this.fail(context, errorInfo('ContextInitError', `context worker exited during start-up (${outcome})`));
    }
    if (outcome?.error) return this.fail(context, outcome.error);
    const why = outcome ? `context became ${outcome.state} while starting` : await this.launcher.abandonStart(context);
    return this.fail(context, errorInfo('ContextInitError', why));
  }

  /**
   * Stops a live context (with `contextId`, only that life of the name): asks its worker (which gives running jobs kill-grace, unless `force`),
   * then kills it; its jobs end KILLED.
   */
  async stop(name: string, force = false, contextId?: string): Promise<void> {
    const context = await this.contexts.findLive(name);
    // A stop of a life that has ended since it was asked for: a newer context holds the name now.
    if (!context || (contextId !== undefined && context.id !== contextId)) return;
    const ended = this.waiter.forContext(name, (e) => e.contextId === context.id && !LIVE_CONTEXT_STATES.includes(e.state));
    if (await this.contexts.transition(context.id, ['STARTED', 'RUNNING', 'RESTARTING'], 'STOPPING')) {
      await this.bus.publish({ kind: 'context', context: name, contextId: context.id, state: 'STOPPING' }).catch(() => 0);
    }
    await this.bus.sendControl({ type: 'stop', context: name, contextId: context.id, force });
    const event = await ended.wait((force ? 0 : this.config.killGraceMs) + STOP_MARGIN_MS);
    if (await this.launcher.isAlive(context)) {
      if (!event) this.logger.warn({ context: name }, 'context worker did not stop in time; killing it');
      await this.launcher.kill(context);
    }
    await this.finish(context, 'FINISHED', null, 'KILLED');
  }

  /**
   * A context whose worker died: its jobs end ERROR and the context ERROR (a stopping one ends
   * FINISHED, its jobs KILLED). The job of an ad-hoc context that has attempts left (`retries`)
   * is submitted again instead, to a fresh ad-hoc context; a named context's jobs are not
   * retried (the context they were admitted to is gone).
   */
  async declareDead(context: ContextRecord, why: string): Promise<void> {
    await this.launcher.kill(context);
    if (context.state === 'STOPPING') return this.finish(context, 'FINISHED', null, 'KILLED');
    this.logger.warn({ context: context.name, why }, 'context terminated unexpectedly');
    const error = errorInfo('ContextTerminated', `context terminated unexpectedly (${why})`);
    await this.finish(context, 'ERROR', error, 'ERROR', errorInfo('ContextTerminated', 'context terminated unexpectedly'), context.adHoc);
  }

  /**
   * Whether the live context is recorded on another process than `pid`: a second process launched
   * for the same context (a re-delivered create whose first start still ran) loses the race to
   * RUNNING and exits, and its exit says nothing about the context.
   */
  private async stopRequested(context: ContextRecord): Promise<boolean> {
    const now = await this.contexts.byId(context.id);
    return !!now && STOPPED_STATES.includes(now.state);
  }

  private async hostedByAnother(context: ContextRecord, pid: number | undefined): Promise<boolean> {
    const now = await this.contexts.byId(context.id);
    return !!now && LIVE_CONTEXT_STATES.includes(now.state) && now.pid !== null && now.pid !== pid;
  }

  private async onExit(context: ContextRecord, how: string, pid: number | undefined): Promise<void> {
    if (await this.hostedByAnother(context, pid)) return;
    const now = await this.contexts.byId(context.id);
    if (now && LIVE_CONTEXT_STATES.includes(now.state)) {
      await this.declareDead(now, `worker process ended: ${how}`);
    }
  }

  /** Which of these queued jobs a worker had claimed (started); none when Redis does not answer. */
  private async claimed(jobIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.claims.started(jobIds).catch((err: unknown) => {
      this.logger.warn({ err, jobs: jobIds.length }, 'reading job claims failed; the queued jobs end as never run');
      return new Set<string>();
    });
  }

  private async fail(context: ContextRecord, error: ErrorInfo): Promise<ErrorInfo> {
    await this.launcher.kill(context);
    await this.finish(context, 'ERROR', error, 'ERROR', errorInfo('ContextInitError', `context failed to start: ${error.message}`));
    return error;
  }

  /**
   * Ends the context record, its remaining jobs and its queue; publishes what changed. The name
   * may already be held by a new context (a worker that stopped by itself ended its record
   * first): that context's jobs and queue are left alone. The record ends first, so that whoever
   * sees a job ended this way no longer finds the context live; the context event comes last,
   * so that whoever hears it finds the jobs ended.
   */
  private async finish(
    context: ContextRecord,
    state: ContextState,
    error: ErrorInfo | null,
    jobStatus: 'KILLED' | 'ERROR',
    jobError?: ErrorInfo,
    retryJobs = false,
  ): Promise<void> {
    const endedHere = await this.contexts.end(context.id, state, error);
    // The worker died under them: jobs with attempts left run again (after the queue is dropped).
    // Only by the scheduler that ended the record: two that declare the same death retry once.
    const retried = retryJobs && error && endedHere ? await this.jobLifecycle.retryActiveOfAdHoc(context, error) : [];
    for (const job of retried) this.logger.warn({ jobId: job.id, context: context.name, attempt: job.attempt }, 'job retried: its worker died');
    await this.jobLifecycle.endActiveOfContext(context, jobStatus, jobError, context.id, retried.map((job) => job.id), (ids) => this.claimed(ids));
    await this.statements.sweep(context.id);
    if (endedHere) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state, error: error ?? undefined });
    }
    // Not while a new life holds the name, nor while one could take it: its first jobs may be in the queue.
    await this.contexts.whenNameFree(context.name, () => this.queues.drop(context.name));
    await this.resubmitter.resubmit(context, retried);
  }
}

/** The outcome of a start that another scheduler (or an earlier start) settled: null if live. */
/** States of a context that a stop request moved it to. */
const STOPPED_STATES: ReadonlyArray<ContextRecord['state']> = ['STOPPING', 'FINISHED', 'KILLED'];

function startedElsewhere(context: ContextLife, now: ContextRecord | null): ErrorInfo | null {
  if (now && LIVE_CONTEXT_STATES.includes(now.state)) return null;
  return now?.error ?? errorInfo('ContextInitError', `context ${context.name} ended while starting`);
}
