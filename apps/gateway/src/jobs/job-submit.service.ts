import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { configParseOptions, parseConfigArray, parseConfigBody, type ServerConfig } from '@jobserver/config';
import { ContextNotFound, EventWaiter, type JobEvent } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { SERVER_CONFIG } from '../infra/tokens';
import { checkCallbackUrl } from './callback-url';
import type { JobTargetQuery, SubmitJobQuery } from './dto/submit-job.query';
import { JobAdmission, type Admission } from './job-admission.service';
import { JobOutcomeMapper, type HttpAnswer } from './job-outcome.mapper';

const MAX_TIMER_MS = 2 ** 31 - 1;

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
  ) {}

  async submit(query: SubmitJobQuery, body: string, principal?: Principal): Promise<HttpAnswer> {
    const sync = query.sync === 'true';
    const callbackUrl = query.callbackUrl === undefined ? null : checkCallbackUrl(query.callbackUrl, this.config.callbacks.allowHosts);
    const { config: jobConfig, json: configText } = await parseConfigBody(body, configParseOptions(this.config));
    const placement = this.admission.place(query, jobConfig);
    // Refused before the job is recorded: a job that cannot be queued must not be left QUEUED.
    this.redis.assertReady();
    if (placement.adHoc) await this.admission.assertRoomForContexts(1);
    const jobId = randomUUID();
    const job = {
      id: jobId,
      appName: query.appName,
      classPath: query.classPath,
      contextName: placement.context,
      adHoc: placement.adHoc,
      config: configText,
      owner: principal?.name ?? null,
      callbackUrl,
    };
    // With isolate-owners, another principal's context is as good as absent.
    const scope = this.owners.of(principal) ?? null;
    const message = { jobId, appName: query.appName, classPath: query.classPath, config: configText, notifyStart: !sync, owner: job.owner, ...placement };
    const admission = { job, contextOwner: scope, message };
    // An async POST waits for the job's start or end; the QUEUED event it publishes itself is no answer.
    const pending = this.waiter.forJob(jobId, (e) => (sync ? isTerminal(e) : e.status !== 'QUEUED'));
    try {
      const bundleSha =
        (await this.admission.admit(admission)) ?? (await this.admission.explainRefusal(query, scope), await this.admission.admit(admission));
      if (!bundleSha) throw new ContextNotFound(placement.context);
    } catch (error) {
      pending.cancel();
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
    const configs = parseConfigArray(body, { ...configParseOptions(this.config), maxItems: this.config.batchMaxJobs });
    const placed = configs.map(({ config, json }) => ({ json, placement: this.admission.place(target, config) }));
    this.redis.assertReady();
    if (target.context === undefined) await this.admission.assertRoomForContexts(placed.length);
    const owner = principal?.name ?? null;
    const scope = this.owners.of(principal) ?? null;
    const admissions = placed.map(({ json, placement }): Admission => {
      const jobId = randomUUID();
      const job = { id: jobId, appName: target.appName, classPath: target.classPath, contextName: placement.context, adHoc: placement.adHoc, config: json, owner };
      return { job, contextOwner: scope, message: { jobId, appName: target.appName, classPath: target.classPath, config: json, notifyStart: false, owner, ...placement } };
    });
    // One statement: every job is recorded, or (a missing app or context) none is.
    if (!(await this.admission.admitMany(admissions)).some(Boolean)) {
      await this.admission.explainRefusal(target, scope); // throws why, or the context just became live
      if (!(await this.admission.admitMany(admissions)).some(Boolean)) throw new ContextNotFound(target.context ?? '');
    }
    return admissions.map((a) => a.job.id);
  }

  private syncTimeout(query: SubmitJobQuery): number {
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days).
    return query.timeout ? Math.min(Number(query.timeout) * 1000, MAX_TIMER_MS) : this.config.syncTimeoutMs;
  }
}

function isTerminal(event: JobEvent): boolean {
  return event.status === 'FINISHED' || event.status === 'ERROR' || event.status === 'KILLED';
}
