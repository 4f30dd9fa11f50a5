import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { configParseOptions, parseConfigArray, parseConfigBody, type ServerConfig } from '@jobserver/config';
import { IdempotencyRepository, JobRepository, type JobRecord } from '@jobserver/persistence';
import { BundleNotFound, ContextNotFound, DEFAULT_PRIORITY, DEFAULT_RETRIES, EventWaiter, IdempotencyConflict, IdempotencyInProgress, type JobEvent } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import { SnapshotAccess } from '../contexts/snapshot-access';
import type { Principal } from '../auth/principal';
import { requestFingerprint } from '../infra/idempotency';
import { isAppName } from '../infra/names';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { SERVER_CONFIG } from '../infra/tokens';
import { checkCallbackUrl } from './callback-url';
import type { JobTargetQuery, SubmitJobQuery } from './dto/submit-job.query';
import { JobAdmission, type Admission } from './job-admission.service';
import { JobOutcomeMapper, type HttpAnswer } from './job-outcome.mapper';

const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long (attempts × ms) a repeat waits for its first request to record the job. */
const RECORD_WAIT_ATTEMPTS = 20;
const RECORD_WAIT_EVERY_MS = 100;
const TERMINAL: readonly string[] = ['FINISHED', 'ERROR', 'KILLED'];

/** `POST /jobs` and `POST /jobs/batch`: records jobs, hands them to the scheduler and waits as API.md says. */
@Injectable()
export class JobSubmitService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly admission: JobAdmission,
    private readonly waiter: EventWaiter,
    private readonly answers: JobOutcomeMapper,
    private readonly owners: OwnerScope,
    private readonly redis: RedisReadiness,
    private readonly keys: IdempotencyRepository,
    private readonly jobs: JobRepository,
    private readonly snapshots: SnapshotAccess,
  ) {}

  /**
   * Runs a job as API.md says. With an idempotency `key`, the first request with it records the
   * job; a repeat within `idempotency-window` answers from that job (waiting as the first did),
   * and one with another request answers 422.
   * @throws IdempotencyConflict; IdempotencyInProgress (the first has not recorded its job yet)
   */
  async submit(query: SubmitJobQuery, body: string, principal?: Principal, key?: string): Promise<HttpAnswer> {
    const jobId = randomUUID();
    if (key === undefined) return this.submitNew(query, body, principal, jobId);
    const parts = [query.appName, query.classPath, query.context ?? null, query.sync ?? null, query.timeout ?? null, query.callbackUrl ?? null, body, ...(query.priority === undefined ? [] : [priorityOf(query)]), ...(query.retries === undefined ? [] : [`retries=${retriesOf(query)}`])];
    const claim = { scope: 'jobs' as const, owner: principal?.name ?? '', key, fingerprint: requestFingerprint(parts), target: jobId, windowMs: this.config.idempotencyWindowMs };
    const held = await this.keys.claim(claim);
    if (held && held.fingerprint !== claim.fingerprint) throw new IdempotencyConflict(key);
    if (held) return this.replay(held.target, query, key);
    // A request refused before its job was recorded did nothing: its key is free again.
    return this.submitNew(query, body, principal, jobId, () => this.keys.release(claim));
  }

  private async submitNew(query: SubmitJobQuery, body: string, principal: Principal | undefined, jobId: string, unrecorded?: () => Promise<void>): Promise<HttpAnswer> {
    let recorded = false;
    try {
      return await this.record(query, body, principal, jobId, () => (recorded = true));
    } catch (error) {
      if (!recorded) await unrecorded?.().catch(() => undefined);
      throw error;
    }
  }

  private async record(query: SubmitJobQuery, body: string, principal: Principal | undefined, jobId: string, onRecorded: () => void): Promise<HttpAnswer> {
    const sync = query.sync === 'true';
    const callbackUrl = query.callbackUrl === undefined ? null : checkCallbackUrl(query.callbackUrl, this.config.callbacks.allowHosts);
    const { config: jobConfig, json: configText } = await parseConfigBody(body, configParseOptions(this.config));
    const placement = this.admission.place(query, jobConfig);
    // Refused before the job is recorded: a job that cannot be queued must not be left QUEUED.
    this.redis.assertReady();
    if (placement.adHoc) await this.admission.assertRoomForContexts(1);
    await this.snapshots.assertRestorable([placement.settings], principal);
    const job = {
      id: jobId,
      appName: query.appName,
      classPath: query.classPath,
      contextName: placement.context,
      adHoc: placement.adHoc,
      config: configText,
      owner: principal?.name ?? null,
      callbackUrl,
      priority: priorityOf(query),
      retries: retriesOf(query),
    };
    // With isolate-owners, another principal's context is as good as absent.
    const scope = this.owners.of(principal) ?? null;
    const message = { jobId, appName: query.appName, classPath: query.classPath, config: configText, notifyStart: !sync, owner: job.owner, priority: job.priority, ...placement };
    const admission = { job, contextOwner: scope, message };
    // An async POST waits for the job's start or end; the QUEUED event it publishes itself is no answer.
    const pending = this.waiter.forJob(jobId, (e) => (sync ? isTerminal(e) : e.status !== 'QUEUED'));
    try {
      const bundleSha =
        (await this.admission.admit(admission)) ?? (await this.admission.explainRefusal(query, scope), await this.admission.admit(admission));
      if (!bundleSha) throw new ContextNotFound(placement.context);
      onRecorded();
    } catch (error) {
      pending.cancel();
      // Cut in flight, the job may run: a repeat with the same key must answer from it, not run another.
      if (this.admission.mayHaveQueued(error)) onRecorded();
      throw error;
    }
    const timeoutMs = sync ? this.syncTimeout(query) : this.config.acceptTimeoutMs;
    const event = await pending.wait(timeoutMs);
    return sync ? this.answers.syncAnswer(jobId, event) : this.answers.asyncAnswer(job, event);
  }

  /**
   * Records every job of a batch QUEUED in one statement and queues them in one call, or none of
   * them (a bad body, a missing app or context). Answers once they are queued: their validation
   * comes when they run, like any async job's.
   * @returns the job ids, in the order of the body's configs
   */
  async submitBatch(target: JobTargetQuery, body: string, principal?: Principal): Promise<string[]> {
    // As for POST /jobs: a name no bundle can have is an unknown app (and Postgres' text refuses a NUL in one).
    if (!isAppName(target.appName)) throw new BundleNotFound(target.appName, `appName ${target.appName} not found`);
    const callbackUrl = target.callbackUrl === undefined ? null : checkCallbackUrl(target.callbackUrl, this.config.callbacks.allowHosts);
    const configs = parseConfigArray(body, { ...configParseOptions(this.config), maxItems: this.config.batchMaxJobs });
    const placed = configs.map(({ config, json }) => ({ json, placement: this.admission.place(target, config) }));
    this.redis.assertReady();
    if (target.context === undefined) await this.admission.assertRoomForContexts(placed.length);
    await this.snapshots.assertRestorable(placed.map(({ placement }) => placement.settings), principal);
    const owner = principal?.name ?? null;
    const scope = this.owners.of(principal) ?? null;
    const priority = priorityOf(target);
    const retries = retriesOf(target);
    const admissions = placed.map(({ json, placement }): Admission => {
      const jobId = randomUUID();
      const job = { id: jobId, appName: target.appName, classPath: target.classPath, contextName: placement.context, adHoc: placement.adHoc, config: json, owner, callbackUrl, priority, retries };
      return { job, contextOwner: scope, message: { jobId, appName: target.appName, classPath: target.classPath, config: json, notifyStart: false, owner, priority, ...placement } };
    });
    // One statement: every job is recorded, or (a missing app or context) none is.
    if (!(await this.admission.admitMany(admissions)).some(Boolean)) {
      await this.admission.explainRefusal(target, scope); // throws why, or the context just became live
      if (!(await this.admission.admitMany(admissions)).some(Boolean)) throw new ContextNotFound(target.context ?? '');
    }
    return admissions.map((a) => a.job.id);
  }

  /**
   * Answers a repeat of an idempotent submit from the job its first request recorded: a sync
   * repeat waits for the job's end (within its own timeout), an async one for its start.
   */
  private async replay(jobId: string, query: SubmitJobQuery, key: string): Promise<HttpAnswer> {
    const sync = query.sync === 'true';
    const pending = this.waiter.forJob(jobId, (e) => (sync ? isTerminal(e) : e.status !== 'QUEUED'));
    const job = await this.recordedJob(jobId);
    if (!job) {
      pending.cancel();
      throw new IdempotencyInProgress(key);
    }
    const waitUntil = sync ? !TERMINAL.includes(job.status) : job.status === 'QUEUED';
    const event = waitUntil ? await pending.wait(sync ? this.syncTimeout(query) : this.config.acceptTimeoutMs) : (pending.cancel(), null);
    return sync ? this.answers.syncAnswer(jobId, event) : this.answers.asyncAnswer(job, event, !waitUntil);
  }

  /** The job a first request recorded; it may still be recording it for a moment. */
  private async recordedJob(jobId: string): Promise<JobRecord | null> {
    for (let attempt = 0; ; attempt++) {
      const job = await this.jobs.byId(jobId);
      if (job || attempt >= RECORD_WAIT_ATTEMPTS) return job;
      await new Promise((resolve) => setTimeout(resolve, RECORD_WAIT_EVERY_MS));
    }
  }

  private syncTimeout(query: SubmitJobQuery): number {
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days).
    return query.timeout ? Math.min(Number(query.timeout) * 1000, MAX_TIMER_MS) : this.config.syncTimeoutMs;
  }
}

/** The query's `priority` (validated 0–100), or the default. */
function priorityOf(query: JobTargetQuery): number {
  return query.priority === undefined ? DEFAULT_PRIORITY : Number(query.priority);
}

/** The query's `retries` (validated 0–10), or the default. */
function retriesOf(query: JobTargetQuery): number {
  return query.retries === undefined ? DEFAULT_RETRIES : Number(query.retries);
}

function isTerminal(event: JobEvent): boolean {
  return event.status === 'FINISHED' || event.status === 'ERROR' || event.status === 'KILLED';
}
