import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ContextRepository, JobRepository } from '@jobserver/persistence';
import { EventBus } from '@jobserver/protocol/redis';

/** What the firehose needs of a job that its event may not carry. */
export interface JobFacts {
  owner: string | null;
  appName: string | null;
  classPath: string | null;
}

/** Entries each cache keeps (the most recently added). */
const CACHE_SIZE = 10_000;

/**
 * Owners, app names and class paths of the jobs and contexts the firehose reports. Events carry
 * no owner (`auth.isolate-owners` filters by it), and some carry no app (a worker's RUNNING, a
 * context's jobs ended at once): the app and class path are remembered from the job's earlier
 * events (its QUEUED has them), else read from Postgres once per gateway and cached, like owners.
 * Concurrent streams share one read per job.
 */
@Injectable()
export class EventFacts implements OnModuleDestroy {
  private readonly jobs = new BoundedCache<Promise<JobFacts>>(CACHE_SIZE);
  private readonly contexts = new BoundedCache<Promise<string | null>>(CACHE_SIZE);
  private readonly apps = new BoundedCache<{ appName: string; classPath: string }>(CACHE_SIZE);
  private readonly unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly jobRows: JobRepository,
    private readonly contextRows: ContextRepository,
  ) {
    this.unsubscribe = bus.onEvent((event) => {
      if (event.kind !== 'job' || event.appName === undefined || event.classPath === undefined) return;
      const { appName, classPath } = event;
      this.apps.get(event.jobId, () => ({ appName, classPath }));
    });
  }

  /** The app and class path of a job seen on an earlier event, without a read. */
  knownApp(jobId: string): { appName: string; classPath: string } | undefined {
    return this.apps.peek(jobId);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

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
class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly size: number) {}

  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  get(key: string, load: () => V): V {
    const known = this.entries.get(key);
    if (known) return known;
    const value = load();
    this.entries.set(key, value);
    if (value instanceof Promise) value.catch(() => this.entries.delete(key));
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
