import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { JobRepository } from '@jobserver/persistence';
import { EventWaiter } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { storedEvent } from './job-outcome.mapper';

/**
 * Answers the requests that wait on jobs whose events fell in a Redis gap (a restart, a Sentinel
 * failover): once the event bus is subscribed again, each waited-on job that moved on is read
 * back from Postgres, where every state is written before it is published. Without this a sync
 * request whose job ended in the gap would wait out its timeout and answer 202 RUNNING.
 */
@Injectable()
export class MissedEventRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MissedEventRecovery.name);
  private stop: (() => void) | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly waiter: EventWaiter,
    private readonly jobs: JobRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = this.bus.onResubscribed(() => void this.recover());
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Delivers the stored state of every waited-on job that is no longer QUEUED. */
  async recover(): Promise<void> {
    const ids = this.waiter.pendingJobIds();
    let delivered = 0;
    for (const id of ids) {
      try {
        const job = await this.jobs.byId(id);
        if (!job || job.status === 'QUEUED') continue;
        this.waiter.deliver(storedEvent(job));
        delivered++;
      } catch (err) {
        this.logger.warn(
          { err, jobId: id },
          'reading a waited-on job back after a Redis gap failed',
        );
      }
    }
    this.logger.log(
      { waiting: ids.length, delivered },
      'event bus subscribed again: waited-on jobs read back',
    );
  }
}
