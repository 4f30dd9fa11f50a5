import type { DataSource } from 'typeorm';

/** Rows one retention statement deletes at most: each statement is short, locks few rows. */
export const RETENTION_BATCH = 1000;

/** What one retention pass deleted. */
export interface RetentionCounts {
  jobs: number;
  contexts: number;
  bundles: number;
}

/**
 * Deletes history older than a cut-off, in batches of {@link RETENTION_BATCH} ids per statement
 * (`… WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`), each its own short transaction:
 * rows another transaction holds (a job being ended right now) are skipped, not waited for, and
 * no statement locks more than a batch of the jobs table, so submits keep flowing.
 */
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deletes finished jobs (FINISHED, ERROR, KILLED) created and ended before `cutoff`, with
   * their events and log lines (job_events cascades); results and callbacks are columns of the
   * job row. A queued or running job is never deleted, however old.
   * @returns how many were deleted
   */
  deleteFinishedJobs(cutoff: Date, batch = RETENTION_BATCH): Promise<number> {
    return this.inBatches(
      `DELETE FROM jobs WHERE id IN (
         SELECT id FROM jobs
         WHERE created_at < $1 AND end_time < $1 AND status IN ('FINISHED', 'ERROR', 'KILLED')
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      cutoff,
      batch,
    );
  }

  /** Deletes contexts that ended before `cutoff`, with their console statements (cascade). */
  deleteEndedContexts(cutoff: Date, batch = RETENTION_BATCH): Promise<number> {
    return this.inBatches(
      `DELETE FROM contexts WHERE id IN (
         SELECT id FROM contexts
         WHERE end_time < $1 AND state NOT IN ('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      cutoff,
      batch,
    );
  }

  /**
   * Deletes bundle versions uploaded before `cutoff` that no job references, except each app's
   * newest version: an app nobody ran for a while stays uploaded.
   */
  deleteUnreferencedBundles(cutoff: Date, batch = RETENTION_BATCH): Promise<number> {
    return this.inBatches(
      `DELETE FROM bundles WHERE id IN (
         SELECT b.id FROM bundles b
         WHERE b.upload_time < $1
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.bundle_sha = b.sha256)
           AND EXISTS (SELECT 1 FROM bundles n WHERE n.app_name = b.app_name AND n.upload_time > b.upload_time)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      cutoff,
      batch,
    );
  }

  /** Runs a batched DELETE until a batch deletes fewer rows than the batch size. */
  private async inBatches(sql: string, cutoff: Date, batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, affected] = (await this.dataSource.query(sql, [cutoff, batch])) as [unknown, number];
      total += affected;
      if (affected < batch) return total;
    }
  }
}
