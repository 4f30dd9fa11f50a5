import { Injectable } from '@nestjs/common';
import { ContextRepository, JobRepository } from '@jobserver/persistence';

/** What the firehose needs of a job that its event may not carry. */
export interface JobFacts {
  owner: string | null;
  appName: string | null;
  classPath: string | null;
}

/** Entries each cache keeps (the most recently added). */
const CACHE_SIZE = 10_000;

/**
 * Owners, app names and class paths of the jobs and contexts the firehose reports, read from
 * Postgres once per gateway and cached: events carry no owner (`auth.isolate-owners` filters by
 * it), and some transitions (a context's jobs ended at once) carry no app. Concurrent streams
 * share one read per job.
 */
@Injectable()
export class EventFacts {
  private readonly jobs = new BoundedCache<Promise<JobFacts>>(CACHE_SIZE);
  private readonly contexts = new BoundedCache<Promise<string | null>>(CACHE_SIZE);

  constructor(
    private readonly jobRows: JobRepository,
    private readonly contextRows: ContextRepository,
  ) {}

  /** The job's owner, app and class path (nulls for a job that is gone). */
  job(jobId: string): Promise<JobFacts> {
    return this.jobs.get(jobId, async () => {
      const row = await this.jobRows.byId(jobId);
      return { owner: row?.owner ?? null, appName: row?.appName ?? null, classPath: row?.classPath ?? null };
    });
  }

  /** The owner of a context's life (null for one that is gone or made while auth was off). */
  contextOwner(contextId: string): Promise<string | null> {
    return this.contexts.get(contextId, async () => (await this.contextRows.byId(contextId))?.owner ?? null);
  }
}

/** A map that forgets its oldest entries past `size`, and a failed read (it is retried next time). */
class BoundedCache<V extends Promise<unknown>> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string, load: () => V): V {
    const known = this.entries.get(key);
    if (known) return known;
    const value = load();
    this.entries.set(key, value);
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
