import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { IdempotencyRepository, RetentionRepository, type RetentionCounts } from '@jobserver/persistence';
import { SERVER_CONFIG } from '../infra/tokens';

/**
 * The `job-retention` clean-up: run by the supervisor (the holder of the supervision lease, so
 * one scheduler at a time) every `retention-interval`. Deletes in batches (see
 * RetentionRepository), so the jobs table is never locked for long.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private running = false;
  private lastRun = 0;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly retention: RetentionRepository,
    private readonly keys: IdempotencyRepository,
  ) {}

  /** Starts a pass if one is due and none is running; does not wait for it. */
  runIfDue(): void {
    if (this.config.jobRetentionMs === 0 || this.running) return;
    if (Date.now() - this.lastRun < this.config.retentionIntervalMs) return;
    this.lastRun = Date.now();
    void this.sweep().catch((err: unknown) => this.logger.error({ err }, 'retention clean-up failed'));
  }

  /**
   * Deletes what is older than `job-retention`: finished jobs first (so their bundles become
   * unreferenced), then ended contexts, then bundle versions no job references.
   */
  async sweep(): Promise<RetentionCounts> {
    this.running = true;
    try {
      const cutoff = new Date(Date.now() - this.config.jobRetentionMs);
      const jobs = await this.retention.deleteFinishedJobs(cutoff);
      const contexts = await this.retention.deleteEndedContexts(cutoff);
      const bundles = await this.retention.deleteUnreferencedBundles(cutoff);
      // Uses of idempotency keys past their window answer nothing any more (a repeat acts anew).
      let keys = 0;
      let deleted: number;
      do {
        deleted = await this.keys.deleteExpired(this.config.idempotencyWindowMs);
        keys += deleted;
      } while (deleted > 0);
      if (keys) this.logger.log({ keys }, 'retention: expired idempotency keys deleted');
      if (jobs || contexts || bundles) this.logger.log({ jobs, contexts, bundles, cutoff }, 'retention: old history deleted');
      return { jobs, contexts, bundles };
    } finally {
      this.running = false;
    }
  }
}
