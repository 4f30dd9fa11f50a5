import { Inject, Injectable, Logger } from '@nestjs/common';
import { normalizeContextSettings, type ServerConfig } from '@jobserver/config';
import { ContextRepository, type ContextRecord } from '@jobserver/persistence';
import { ContextExists, errorInfo } from '@jobserver/protocol';
import { SERVER_CONFIG } from '../infra/tokens';
import { ContextLifecycleService } from './context-lifecycle.service';

/** A configured context that died this many times within DEATH_WINDOW_MS stays ERROR. */
export const MAX_DEATHS = 5;
const DEATH_WINDOW_MS = 60_000;
/** Back-off before a recreation: 1 s after the first death, doubling, at most this. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps the contexts named in the server config (`contexts { … }`) alive. Called by the
 * supervisor, so only the holder of the supervision lease acts (once across replicas): when it
 * takes the lease it creates every configured context that is not live; afterwards it recreates
 * one whose worker died (its newest record ended ERROR), after a back-off that doubles with each
 * death, until it died {@link MAX_DEATHS} times within a minute: then it stays ERROR, its error
 * saying why. A context a client stopped (FINISHED) is left stopped until the next start or
 * `PUT /contexts?reset=reboot`. The death counts live in the lease holder's memory: a new holder
 * starts them afresh.
 */
@Injectable()
export class ConfiguredContextsService {
  private readonly logger = new Logger(ConfiguredContextsService.name);
  private readonly starting = new Set<string>();
  /** End times of each configured context's deaths, by record id (each counted once). */
  private readonly deaths = new Map<string, Map<string, number>>();
  private readonly givenUp = new Set<string>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly contexts: ContextRepository,
    private readonly lifecycle: ContextLifecycleService,
  ) {}

  /**
   * Starts the configured contexts that should be live and are not; does not wait for them.
   * @param leaseTaken - this scheduler has just taken the supervision lease: create them all
   */
  async ensure(leaseTaken: boolean): Promise<void> {
    for (const name of Object.keys(this.config.contexts)) {
      if (this.starting.has(name) || (await this.contexts.findLive(name))) continue;
      const latest = await this.contexts.findLatest(name);
      if (leaseTaken || !latest || (latest.state === 'ERROR' && (await this.dueAfterDeath(latest)))) {
        void this.create(name);
      }
    }
  }

  /** Whether a context that died may be recreated now; gives up after too many deaths. */
  private async dueAfterDeath(latest: ContextRecord): Promise<boolean> {
    if (this.givenUp.has(latest.id)) return false;
    const now = Date.now();
    const ends = this.deaths.get(latest.name) ?? new Map<string, number>();
    this.deaths.set(latest.name, ends);
    if (!ends.has(latest.id)) ends.set(latest.id, latest.endTime?.getTime() ?? now);
    for (const [id, at] of ends) if (now - at > DEATH_WINDOW_MS) ends.delete(id);
    if (ends.size >= MAX_DEATHS) {
      await this.giveUp(latest);
      return false;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (ends.size - 1));
    return now >= (ends.get(latest.id) ?? now) + backoff;
  }

  private async giveUp(latest: ContextRecord): Promise<void> {
    if (this.givenUp.has(latest.id)) return;
    this.givenUp.add(latest.id);
    const last = latest.error?.message ?? 'unknown cause';
    const why = `configured context ${latest.name} died ${MAX_DEATHS} times within a minute; not recreated (last: ${last})`;
    this.logger.error({ context: latest.name }, why);
    await this.contexts.setError(latest.id, errorInfo('ContextTerminated', why));
  }

  private async create(name: string): Promise<void> {
    this.starting.add(name);
    try {
      const settings = normalizeContextSettings(this.config.contextDefaults, this.config.contexts[name]);
      const row = await this.contexts.insertStarting(name, settings, false, null, this.config.maxContexts);
      this.logger.log({ context: name }, 'starting configured context');
      const failure = await this.lifecycle.start(row, row);
      if (failure) this.logger.warn({ context: name, reason: failure.message }, 'configured context failed to start');
    } catch (error) {
      // Created meanwhile by a reset or another scheduler: it is there, which is all we want.
      if (!(error instanceof ContextExists)) this.logger.error({ err: error, context: name }, 'configured context not created');
    } finally {
      this.starting.delete(name);
    }
  }
}
