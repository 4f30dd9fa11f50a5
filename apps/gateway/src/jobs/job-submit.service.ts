import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  configParseOptions,
  contextSettingsOf,
  normalizeContextSettings,
  parseConfigBody,
  type ServerConfig,
} from '@jobserver/config';
import { BundleRepository, ContextRepository } from '@jobserver/persistence';
import { BundleNotFound, ContextNotFound, ContextStopping, EventWaiter, TooManyContexts, type JobEvent } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { assertContextName, isAppName } from '../infra/names';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { SERVER_CONFIG } from '../infra/tokens';
import { checkCallbackUrl } from './callback-url';
import { JobAdmission, type Admission } from './job-admission.service';
import type { SubmitJobQuery } from './dto/submit-job.query';
import { JobOutcomeMapper, type HttpAnswer } from './job-outcome.mapper';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where a job will run. */
interface Placement {
  context: string;
  adHoc: boolean;
  settings?: Record<string, unknown>;
}

/** `POST /jobs`: records the job, hands it to the scheduler and waits as API.md says. */
@Injectable()
export class JobSubmitService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly admission: JobAdmission,
    private readonly bundles: BundleRepository,
    private readonly contexts: ContextRepository,
    private readonly waiter: EventWaiter,
    private readonly answers: JobOutcomeMapper,
    private readonly owners: OwnerScope,
    private readonly redis: RedisReadiness,
  ) {}

  async submit(query: SubmitJobQuery, body: string, principal?: Principal): Promise<HttpAnswer> {
    const sync = query.sync === 'true';
    const callbackUrl = query.callbackUrl === undefined ? null : checkCallbackUrl(query.callbackUrl, this.config.callbacks.allowHosts);
    const { config: jobConfig, json: configText } = await parseConfigBody(body, configParseOptions(this.config));
    const placement = this.place(query, jobConfig);
    // Refused before the job is recorded: a job that cannot be queued must not be left QUEUED.
    this.redis.assertReady();
    if (placement.adHoc) await this.assertRoomForContext();
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
      const bundleSha = (await this.admit(admission)) ?? (await this.refusal(query, scope), await this.admit(admission));
      if (!bundleSha) throw new ContextNotFound(placement.context);
    } catch (error) {
      pending.cancel();
      throw error;
    }
    const timeoutMs = sync ? this.syncTimeout(query) : this.config.acceptTimeoutMs;
    const event = await pending.wait(timeoutMs);
    return sync ? this.answers.syncAnswer(jobId, event) : this.answers.asyncAnswer(job, event);
  }

  /** Records the job QUEUED with its app's latest bundle and queues it; null when the app or a runnable context is missing. */
  private admit(admission: Admission): Promise<string | null> {
    return isAppName(admission.job.appName) ? this.admission.admit(admission) : Promise.resolve(null);
  }

  /**
   * Says why a job could not be recorded (only looked up then: the happy path is one statement).
   * Returns when nothing is wrong any more (the context just became live), for one retry.
   */
  private async refusal(query: SubmitJobQuery, contextOwner: string | null): Promise<void> {
    const [bundle, context] = await Promise.all([
      isAppName(query.appName) ? this.bundles.latest(query.appName) : null,
      query.context === undefined ? undefined : this.contexts.findLive(query.context),
    ]);
    if (!bundle) throw new BundleNotFound(query.appName, `appName ${query.appName} not found`);
    if (context === null || (context && contextOwner !== null && context.owner !== contextOwner)) {
      throw new ContextNotFound(query.context!);
    }
    if (context?.state === 'STOPPING') throw new ContextStopping();
  }

  /**
   * Refuses an ad-hoc job before anything is recorded when `max-contexts` are live. Not race-safe
   * by itself: the scheduler's insert of the ad-hoc context is (the job then ends ERROR).
   */
  private async assertRoomForContext(): Promise<void> {
    if ((await this.contexts.countLive()) >= this.config.maxContexts) throw new TooManyContexts(this.config.maxContexts);
  }

  private syncTimeout(query: SubmitJobQuery): number {
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days).
    return query.timeout ? Math.min(Number(query.timeout) * 1000, MAX_TIMER_MS) : this.config.syncTimeoutMs;
  }

  private place(query: SubmitJobQuery, jobConfig: Record<string, unknown>): Placement {
    const fromBody = contextSettingsOf(jobConfig);
    if (query.context !== undefined) {
      assertContextName(query.context);
      return { context: query.context, adHoc: false };
    }
    const settings = normalizeContextSettings(this.config.contextDefaults, fromBody);
    return { context: adHocContextName(query.classPath), adHoc: true, settings };
  }
}

/**
 * `<8 hex>-<classPath>` with every character that is not a name character (letters, digits,
 * `._-`) replaced by `_`: this names the context only; the job still resolves the real classPath.
 */
function adHocContextName(classPath: string): string {
  return `${randomBytes(4).toString('hex')}-${classPath.replace(/[^A-Za-z0-9._-]/gu, '_')}`;
}

function isTerminal(event: JobEvent): boolean {
  return event.status === 'FINISHED' || event.status === 'ERROR' || event.status === 'KILLED';
}
