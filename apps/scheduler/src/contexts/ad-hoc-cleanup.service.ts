import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobRepository, type ContextRecord } from '@jobserver/persistence';
import { TERMINAL_JOB_STATUSES } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { SchedulerLeases } from '../infra/redis-lease';
import { ContextLifecycleService } from './context-lifecycle.service';

/**
 * Stops ad-hoc contexts once their job has ended. Every scheduler hears the job's end event; the
 * one that takes the context's stop lease stops it, the others leave it alone. If that scheduler
 * dies mid-stop, its lease lapses and the supervisor's sweep stops the context again.
 */
@Injectable()
export class AdHocCleanupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AdHocCleanupService.name);
  /** Ad-hoc contexts this scheduler is stopping. */
  private readonly stopping = new Set<string>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly leases: SchedulerLeases,
    private readonly lifecycle: ContextLifecycleService,
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.bus.onEvent((event) => {
      if (event.kind === 'job' && event.adHoc && TERMINAL_JOB_STATUSES.includes(event.status)) this.stop(event.context);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  /**
   * For the supervisor's sweep: a live ad-hoc context with no job left missed its job's end
   * event, or the scheduler that was stopping it died. Stop it (again) now.
   */
  async sweep(context: ContextRecord): Promise<void> {
    if (!context.adHoc || !['RUNNING', 'STOPPING'].includes(context.state)) return;
    if (this.stopping.has(context.name)) return;
    if ((await this.jobs.countActive(context.name)) === 0) this.stop(context.name);
  }

  private stop(name: string): void {
    if (this.stopping.has(name)) return;
    this.stopping.add(name);
    this.leases
      .adHocStop(name)
      .run(() => this.lifecycle.stop(name))
      .catch((err: unknown) => this.logger.error({ err, context: name }, 'ad-hoc stop failed'))
      .finally(() => this.stopping.delete(name));
  }
}
