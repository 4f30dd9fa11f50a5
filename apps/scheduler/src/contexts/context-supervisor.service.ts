import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository, JobRepository, type ContextRecord } from '@jobserver/persistence';
import { EventBus, RedisNames } from '@jobserver/protocol';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { ContextLifecycleService } from './context-lifecycle.service';

/** Extra time a launching context gets beyond context-creation-timeout before it is declared dead. */
const START_MARGIN_MS = 10_000;

/**
 * Watches worker heartbeats: a live context whose heartbeat expired is declared dead (its jobs
 * end ERROR). One scheduler at a time supervises (a Redis lease); ad-hoc contexts are stopped
 * when their job ends, or, if that event was missed (no scheduler was running), once the
 * supervisor finds them RUNNING without a queued or running job.
 */
@Injectable()
export class ContextSupervisorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ContextSupervisorService.name);
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private unsubscribe: (() => void) | undefined;
  /** Ad-hoc contexts this scheduler is stopping. */
  private readonly stoppingAdHoc = new Set<string>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
    private readonly jobs: JobRepository,
    private readonly lifecycle: ContextLifecycleService,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.heartbeatIntervalMs);
    this.unsubscribe = this.bus.onEvent((event) => {
      const ended = event.kind === 'job' && event.adHoc && ['FINISHED', 'ERROR', 'KILLED'].includes(event.status);
      if (ended) this.stopAdHoc(event.context);
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  private async tick(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.holdLease()) await this.check();
    } catch (err) {
      this.logger.error({ err }, 'supervision failed');
    } finally {
      this.checking = false;
    }
  }

  /** Takes or renews the supervision lease; true if this scheduler holds it. */
  private async holdLease(): Promise<boolean> {
    const key = `${this.names.prefix}:supervisor`;
    const ttl = this.config.heartbeatIntervalMs * 3;
    const me = this.config.instanceId;
    if (await this.redis.set(key, me, 'PX', ttl, 'NX')) return true;
    if ((await this.redis.get(key)) !== me) return false;
    await this.redis.pexpire(key, ttl);
    return true;
  }

  private async check(): Promise<void> {
    const live = await this.contexts.listLive();
    if (!live.length) return;
    const beats = await this.redis.mget(live.map((c) => this.names.heartbeatKey(c.name)));
    await Promise.all(live.map((context, i) => (beats[i] ? this.onHeartbeat(context) : this.onMissingHeartbeat(context))));
  }

  /**
   * A live ad-hoc context with no job left missed its job's end event, or the scheduler that
   * was stopping it died: stop it (again) now.
   */
  private async onHeartbeat(context: ContextRecord): Promise<void> {
    if (!context.adHoc || !['RUNNING', 'STOPPING'].includes(context.state)) return;
    if (this.stoppingAdHoc.has(context.name)) return;
    if ((await this.jobs.countActive(context.name)) === 0) this.stopAdHoc(context.name);
  }

  private stopAdHoc(name: string): void {
    if (this.stoppingAdHoc.has(name)) return;
    this.stoppingAdHoc.add(name);
    this.lifecycle
      .stop(name)
      .catch((err: unknown) => this.logger.error({ err, context: name }, 'ad-hoc stop failed'))
      .finally(() => this.stoppingAdHoc.delete(name));
  }

  private async onMissingHeartbeat(context: ContextRecord): Promise<void> {
    if (context.state === 'STARTED') {
      const age = Date.now() - context.startTime.getTime();
      if (age < this.config.contextCreationTimeoutMs + START_MARGIN_MS) return;
    }
    await this.lifecycle.declareDead(context, 'no heartbeat');
  }
}
