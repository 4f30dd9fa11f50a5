import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobEventRepository, JobRepository, type JobRecord } from '@jobserver/persistence';
import { toJobReport } from '../jobs/job.responses';
import { SERVER_CONFIG } from '../infra/tokens';
import { hasEnded, jobEventList, type JobEventOut } from './job-event-list';

/** One read of a job's events after a seq. */
export interface EventPage {
  events: JobEventOut[];
  /** Whether the page holds the job's last event: every detail row was read and the job ended. */
  last: boolean;
  /** Whether every detail row after the seq is in the page (else read on after the last seq). */
  complete: boolean;
}

/** Reads a job's events from Postgres: its row (queued, running, the end) and its job_events rows. */
@Injectable()
export class JobEventReader {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly jobs: JobRepository,
    private readonly events: JobEventRepository,
  ) {}

  /**
   * The events of `job` (or of the job `jobId`, read now) with `after < seq`, at most `limit`
   * detail rows. The row is read before the detail rows: a row that says ended then guarantees
   * every detail row is there (they are written before the end), so the end is never sent early.
   */
  async page(job: JobRecord | string, after: number, limit: number): Promise<EventPage> {
    let row = typeof job === 'string' ? await this.jobs.byId(job) : job;
    if (!row) return { events: [], last: true, complete: true };
    const details = await this.events.after(row.id, after, limit);
    // A detail write also records the job's start: one that committed between the two reads left
    // a row without it. Only the start is taken from a second read (a row that ended meanwhile
    // could hold an end before detail rows this page did not read).
    if (after < 2 && !row.startTime && details.length > 0) {
      const startTime = (await this.jobs.byId(row.id))?.startTime;
      if (startTime) row = { ...row, startTime };
    }
    const complete = details.length < limit;
    const last = complete && hasEnded(row);
    const report = last ? toJobReport(row, this.config.apiCompat) : undefined;
    return { events: jobEventList(row, details, after, report), last, complete };
  }
}
