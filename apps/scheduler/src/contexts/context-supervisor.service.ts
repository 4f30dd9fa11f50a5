import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository, type ContextRecord } from '@jobserver/persistence';
import { RedisNames } from '@jobserver/protocol';
import type Redis from 'ioredis';
import { SchedulerLeases, type RedisLease } from '../infra/redis-lease';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { CallbackOutboxService } from '../callbacks/callback-outbox.service';
import { AdHocCleanupService } from './ad-hoc-cleanup.service';
import { ConfiguredContextsService } from './configured-contexts.service';
import { StrandedJobSweeper } from '../jobs/stranded-job.sweeper';
import { ContextLifecycleService } from './context-lifecycle.service';
import { OrphanedStatementSweeper } from '../statements/orphaned-statement.sweeper';
import { RetentionService } from '../retention/retention.service';

/** Extra time a launching context gets beyond context-creation-timeout before it is declared dead. */
const START_MARGIN_MS = 10_000;
/** How often the supervisor looks for jobs that were recorded but never queued. */
const STRANDED_SWEEP_MS = 10_000;
/** How often the supervisor scans the callback outbox for callbacks no queue entry holds. */
const CALLBACK_SWEEP_MS = 2_000;

/**
 * Watches worker heartbeats: a live context whose heartbeat expired is declared dead (its jobs
 * end ERROR). One scheduler at a time supervises, the holder of a Redis lease renewed every
 * heartbeat interval; it lapses after three, so when the supervising scheduler dies another one
 * takes over within about 3–4 intervals and adopts every live context (it works from the
 * contexts table and the heartbeats alone). Each round also sweeps ad-hoc contexts whose job
 * ended unseen, every few rounds jobs that were recorded but never queued, and every other
 * second the callback outbox; every round it keeps the configured contexts alive,
 * and every retention-interval it deletes old history.
 */
@Injectable()
export class ContextSupervisorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ContextSupervisorService.name);
  private readonly lease: RedisLease;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private leading = false;
  /** Set when the lease is taken: the next check creates every configured context not live. */
  private leaseTaken = false;
  private lastStrandedSweep = 0;
  private lastCallbackSweep = 0;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
    private readonly lifecycle: ContextLifecycleService,
    private readonly adHoc: AdHocCleanupService,
    private readonly stranded: StrandedJobSweeper,
    private readonly callbacks: CallbackOutboxService,
    private readonly statements: OrphanedStatementSweeper,
    private readonly configured: ConfiguredContextsService,
    private readonly retention: RetentionService,
    leases: SchedulerLeases,
  ) {
    this.lease = leases.supervisor();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.heartbeatIntervalMs);
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Hand over at once instead of letting the lease lapse.
    if (this.leading) await this.lease.release().catch(() => undefined);
  }

  /** Renews the lease every interval, whatever a running check is doing; checks if it holds it. */
  private async tick(): Promise<void> {
    const leading = await this.lease.hold().catch((err: unknown) => {
      this.logger.error({ err }, 'supervision lease check failed');
      return false;
    });
    if (leading !== this.leading) {
      this.logger.log(leading ? 'supervising contexts (lease taken)' : 'supervision lease lost');
      this.leading = leading;
      this.leaseTaken = leading;
    }
    if (!leading || this.checking) return;
    this.checking = true;
    try {
      await this.check();
    } catch (err) {
      this.logger.error({ err }, 'supervision failed');
    } finally {
      this.checking = false;
    }
  }

  private async check(): Promise<void> {
    if (Date.now() - this.lastCallbackSweep > CALLBACK_SWEEP_MS) {
      this.lastCallbackSweep = Date.now();
      // Not awaited: a slow outbox must not delay heartbeat checks (the sweep skips while one runs).
      void this.callbacks.sweep();
    }
    if (Date.now() - this.lastStrandedSweep > STRANDED_SWEEP_MS) {
      this.lastStrandedSweep = Date.now();
      await this.stranded.sweep();
      await this.statements.sweep();
    }
    this.retention.runIfDue();
    await this.configured.ensure(this.leaseTaken);
    this.leaseTaken = false;
    const live = await this.contexts.listLive();
    if (!live.length) return;
    const beats = await this.redis.mget(live.map((c) => this.names.heartbeatKey(c.name)));
    await Promise.all(
      live.map((context, i) => (beats[i] === context.id ? this.adHoc.sweep(context) : this.onMissingHeartbeat(context))),
    );
  }

  private async onMissingHeartbeat(context: ContextRecord): Promise<void> {
    if (context.state === 'STARTED') {
      const age = Date.now() - context.startTime.getTime();
      if (age < this.config.contextCreationTimeoutMs + START_MARGIN_MS) return;
    }
    await this.lifecycle.declareDead(context, 'no heartbeat');
  }
}
