import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle, JobRepository, JobSearchRepository, type JobFilter } from '@jobserver/persistence';
import { BadRequest, isJobStatus, JobNotFound, killedError, NoRunningJob, type JobStatus } from '@jobserver/protocol';
import { EventBus, JobClaims } from '@jobserver/protocol/redis';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { StartedJobs } from '../infra/started-jobs.service';
import { SERVER_CONFIG } from '../infra/tokens';
import type { JobFilterQuery, ListJobsQuery } from './dto/list-jobs.query';
import { toJobReport, toJobSummary, toJobSummaryWithSubmit } from './job.responses';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads job records and cancels jobs. */
@Injectable()
export class JobQueryService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly jobs: JobRepository,
    private readonly search: JobSearchRepository,
    private readonly bus: EventBus,
    private readonly lifecycle: JobLifecycle,
    private readonly claims: JobClaims,
    private readonly owners: OwnerScope,
    private readonly started: StartedJobs,
    private readonly redis: RedisReadiness,
  ) {}

  async list(query: ListJobsQuery, principal?: Principal): Promise<Array<Record<string, unknown>>> {
    const owner = this.owners.of(principal);
    const upper = query.status?.toUpperCase().replace(/^OK$/, 'FINISHED');
    const status = upper && isJobStatus(upper) ? upper : undefined;
    const limit = Number(query.limit ?? 50);
    const filter = { ...this.filterOf(query, owner), before: query.before };
    // Another owner's job is as unknown as a missing one: its id says nothing about it.
    if (query.before && !(await this.search.exists(query.before, owner))) {
      throw new BadRequest(`before: no job ${query.before}`);
    }
    // A job's record says RUNNING once it has run 50 ms; before, its claim says so: RUNNING jobs
    // are read with the QUEUED ones, in one snapshot (a job is in one of them whenever it moved).
    const both = status === 'RUNNING';
    const all = both
      ? await this.search.listOfStatuses(limit, filter, ['RUNNING', 'QUEUED'])
      : await this.search.list(limit, { ...filter, status });
    const shown = (await this.started.merge(all)).filter((job) => !status || job.status === status);
    if (both) shown.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    return shown.slice(0, limit).map(query.include === 'submitTime' ? toJobSummaryWithSubmit : toJobSummary);
  }

  /** How many of the principal's jobs matching the filters have each status (from the records). */
  counts(query: JobFilterQuery, principal?: Principal): Promise<Record<JobStatus, number>> {
    return this.search.counts(this.filterOf(query, this.owners.of(principal)));
  }

  private filterOf(query: JobFilterQuery, owner: string | undefined): JobFilter {
    const { appName, classPath, context, q } = query;
    return { owner, appName, classPath, context, q };
  }

  async report(jobId: string, principal?: Principal): Promise<Record<string, unknown>> {
    const job = await this.find(jobId, principal);
    const [shown] = await this.started.merge([job]);
    return toJobReport(shown!, this.config.apiCompat);
  }

  async postedConfig(jobId: string, principal?: Principal): Promise<unknown> {
    return JSON.parse((await this.find(jobId, principal)).config);
  }

  /**
   * Kills a queued job at once; asks the context's worker to cancel a running one.
   * @throws NoRunningJob when the job already ended
   */
  async cancel(jobId: string, principal?: Principal): Promise<void> {
    const job = await this.find(jobId, principal);
    if (job.status !== 'QUEUED' && job.status !== 'RUNNING') throw new NoRunningJob(jobId);
    this.redis.assertReady();
    // A queued job that no worker has taken yet is taken by this DELETE: it will never run.
    if (job.status === 'QUEUED' && (await this.claims.take(jobId, 'killed'))) {
      await this.lifecycle.end({ jobId, context: job.contextName, adHoc: job.adHoc }, { status: 'KILLED', error: killedError(jobId) });
      return;
    }
    // Running (a job shows RUNNING only once it has run a moment): its worker cancels it.
    await this.bus.sendControl({ type: 'cancel', context: job.contextName, jobId, reason: 'killed' });
  }

  /** The job, if the principal may see it (auth.isolate-owners). @throws JobNotFound */
  async find(jobId: string, principal: Principal | undefined) {
    const job = UUID.test(jobId) ? await this.jobs.byId(jobId) : null;
    if (!job || !this.owners.sees(principal, job.owner)) throw new JobNotFound(jobId);
    return job;
  }
}
