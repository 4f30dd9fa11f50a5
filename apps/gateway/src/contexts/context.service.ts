import { Inject, Injectable } from '@nestjs/common';
import {
  configParseOptions,
  contextSettingsOf,
  normalizeContextSettings,
  parseConfigText,
  type ServerConfig,
} from '@jobserver/config';
import { ContextRepository, IdempotencyRepository, JobRepository, type ContextRecord, type IdempotencyClaim } from '@jobserver/persistence';
import {
  ContextExists,
  ContextInitError,
  ContextNotFound,
  ContextStoppedWhileStarting,
  DomainError,
  errorInfo,
  IdempotencyConflict,
  IdempotencyInProgress,
  LIVE_CONTEXT_STATES,
  type ContextCommand,
  type ContextEvent,
} from '@jobserver/protocol';
import type { Queue } from 'bullmq';
import { EventWaiter } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { StartedJobs } from '../infra/started-jobs.service';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { assertContextName, isStoredContextName } from '../infra/names';
import { requestFingerprint } from '../infra/idempotency';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { CONTEXT_COMMAND_QUEUE, SERVER_CONFIG } from '../infra/tokens';
import { SnapshotAccess } from './snapshot-access';

/** How often a repeat of an idempotent create looks whether the first one completed. */
const FIRST_POLL_MS = 100;
const ENDED = (e: ContextEvent) => !LIVE_CONTEXT_STATES.includes(e.state);
/** States a context reaches when a DELETE stops it (a failure is ERROR, with an error). */
const STOPPED_BY_REQUEST: ReadonlyArray<ContextEvent['state']> = ['STOPPING', 'FINISHED', 'KILLED'];
/** How long a stop may take beyond the kill grace of its jobs. */
const STOP_MARGIN_MS = 15_000;

/** A catch handler that swallows errors of one class and rethrows the rest. */
const ignore =
  (kind: new (...args: never[]) => Error) =>
  (error: unknown): void => {
    if (!(error instanceof kind)) throw error;
  };

/** A stop that did not complete in time (the context is still stopping). */
export class ContextStopTimeout extends DomainError {
  readonly httpStatus = 504;
}

/** Named contexts: create (once RUNNING), list, inspect, stop, reset to the configured ones. */
@Injectable()
export class ContextService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CONTEXT_COMMAND_QUEUE) private readonly commands: Queue<ContextCommand>,
    private readonly contexts: ContextRepository,
    private readonly jobs: JobRepository,
    private readonly waiter: EventWaiter,
    private readonly started: StartedJobs,
    private readonly owners: OwnerScope,
    private readonly redis: RedisReadiness,
    private readonly keys: IdempotencyRepository,
    private readonly snapshots: SnapshotAccess,
    private readonly bus: EventBus,
  ) {}

  /**
   * Creates a context and returns once its worker is RUNNING.
   * @throws BadRequest / InvalidContextSetting / ConfigParseError for bad input
   * @throws SnapshotNotFound when `snapshot` names no stored snapshot
   * @throws ContextExists when a live context holds the name
   * @throws TooManyContexts when `max-contexts` contexts are live
   * @throws ContextInitError when the worker fails or does not start in time
   */
  async create(name: string, query: Record<string, string>, body: string, principal?: Principal, key?: string): Promise<void> {
    if (key === undefined) return this.createNew(name, query, body, principal);
    const settings = Object.entries(query).sort(([a], [b]) => a.localeCompare(b));
    const claim = { scope: 'contexts' as const, owner: principal?.name ?? '', key, fingerprint: requestFingerprint([name, settings, body]), target: name, windowMs: this.config.idempotencyWindowMs };
    const held = await this.keys.claim(claim);
    if (held && held.fingerprint !== claim.fingerprint) throw new IdempotencyConflict(key);
    if (held) {
      // Answered as the first request was, once it has been; if it failed (its key released
      // meanwhile), this request creates the context.
      if (await this.firstCompleted(claim)) return;
      return this.create(name, query, body, principal, key);
    }
    try {
      await this.createNew(name, query, body, principal);
    } catch (error) {
      await this.keys.release(claim).catch(() => undefined);
      throw error;
    }
    await this.keys.complete(claim);
  }

  /**
   * Waits for the first request with an idempotency key to complete: true once it has, false
   * when it failed (the key is free again).
   * @throws IdempotencyInProgress when it takes longer than a context creation may
   */
  private async firstCompleted(claim: IdempotencyClaim): Promise<boolean> {
    const until = Date.now() + this.config.contextCreationTimeoutMs + 5000;
    for (;;) {
      const use = await this.keys.read(claim);
      if (!use) return false;
      if (use.done) return true;
      if (Date.now() > until) throw new IdempotencyInProgress(claim.key);
      await new Promise((resolve) => setTimeout(resolve, FIRST_POLL_MS));
    }
  }

  private async createNew(name: string, query: Record<string, string>, body: string, principal?: Principal): Promise<void> {
    assertContextName(name);
    const parsed = await parseConfigText(body, configParseOptions(this.config));
    const settings = normalizeContextSettings(this.config.contextDefaults, query, contextSettingsOf(parsed));
    // `?snapshot=<id>`: its worker restores it before the context is RUNNING.
    await this.snapshots.assertRestorable([settings], principal);
    await this.launch(name, settings, principal?.name ?? null);
  }

  /**
   * `PUT /contexts?reset=reboot`: stops every live context (named and ad hoc, every owner's),
   * then starts the configured ones (`contexts { … }` of the server config) and returns once
   * they are RUNNING. A principal that auth.isolate-owners restricts to its own contexts stops
   * only those; the others' and the configured ones (which belong to no one) are not its to stop.
   * @throws ContextInitError when a configured context fails to start
   */
  async reset(principal?: Principal): Promise<void> {
    this.redis.assertReady();
    const owner = this.owners.of(principal);
    const live = await this.contexts.listLive(owner);
    await Promise.all(live.map((c) => this.stop(c.name, false).catch(ignore(ContextNotFound))));
    if (owner !== undefined) return;
    const configured = Object.entries(this.config.contexts);
    await Promise.all(
      configured.map(([name, given]) =>
        // The supervisor may have recreated one that died meanwhile: it is there, which is the point.
        this.launch(name, normalizeContextSettings(this.config.contextDefaults, given), null).catch(ignore(ContextExists)),
      ),
    );
  }

  /** Records a context, has a scheduler start it, and returns once it is RUNNING. */
  private async launch(name: string, settings: Record<string, unknown>, owner: string | null): Promise<void> {
    // Refused before the context is recorded: one that cannot be started must not be left STARTING.
    this.redis.assertReady();
    const row = await this.contexts.insertStarting(name, settings, false, owner, this.config.maxContexts);
    const started = this.waiter.forContext(name, (e) => e.contextId === row.id && e.state !== 'STARTED');
    await this.commands
      .add('create', { type: 'create', context: name, contextId: row.id }, { removeOnComplete: true, removeOnFail: true })
      .catch(async (error: unknown) => {
        // Redis went down since the readiness check: free the name instead of leaving it STARTING.
        started.cancel();
        const notQueued = errorInfo('ContextInitError', 'context creation could not be queued');
        await this.contexts.end(row.id, 'ERROR', notQueued).catch(() => false);
        throw error;
      });
    const event = await started.wait(this.config.contextCreationTimeoutMs + 2000);
    if (event?.state === 'RUNNING') return;
    // A DELETE came first: the client's own doing, not a start-up failure.
    if (event && !event.error && STOPPED_BY_REQUEST.includes(event.state)) throw new ContextStoppedWhileStarting(name);
    if (!event) {
      await this.contexts.end(row.id, 'ERROR', errorInfo('ContextInitError', 'context creation timed out'));
      await this.sendStop(name, false, row.id);
    }
    throw new ContextInitError(
      event?.error ?? errorInfo('ContextInitError', `context ${name} did not start within context-creation-timeout`),
    );
  }

  async listLive(principal?: Principal): Promise<string[]> {
    return (await this.contexts.listLive(this.owners.of(principal))).map((c) => c.name);
  }

  async get(name: string, principal?: Principal): Promise<{ context: ContextRecord; runningJobs: number }> {
    const context = await this.findLive(name, principal);
    // Jobs that started less than 50 ms ago are RUNNING by their claim, not yet by their record
    // (while Redis is down the records alone answer).
    const active = await this.started.merge(await this.jobs.activeOfContext(name));
    return { context, runningJobs: active.filter((job) => job.status === 'RUNNING').length };
  }

  /**
   * Stops a context: its jobs end KILLED, its worker exits, the name is freed. Running jobs get
   * their signal and kill-grace to return, unless `force`.
   */
  async stop(name: string, force = false, principal?: Principal): Promise<void> {
    const context = await this.findLive(name, principal);
    this.redis.assertReady();
    const stopped = this.waiter.forContext(name, (e) => e.contextId === context.id && ENDED(e));
    const moved = await this.contexts.transition(context.id, ['STARTED', 'RUNNING', 'RESTARTING'], 'STOPPING');
    if (moved || force) {
      await this.sendStop(name, force, context.id).catch(async (error: unknown) => {
        // Redis went down since the readiness check: nothing was sent, the context runs on as it was.
        stopped.cancel();
        if (moved) await this.contexts.transition(context.id, ['STOPPING'], context.state).catch(() => false);
        throw error;
      });
    }
    // For GET /events: the stop's kill-grace can take seconds.
    if (moved) await this.bus.publish({ kind: 'context', context: name, contextId: context.id, state: 'STOPPING' }).catch(() => 0);
    if (await stopped.wait(this.config.killGraceMs + STOP_MARGIN_MS)) return;
    const now = await this.contexts.byId(context.id);
    if (now && LIVE_CONTEXT_STATES.includes(now.state)) {
      throw new ContextStopTimeout(`context ${name} did not stop in time; it is still ${now.state}`);
    }
  }

  /** The live context of that name, if the principal may see it. @throws ContextNotFound */
  async findLive(name: string, principal: Principal | undefined): Promise<ContextRecord> {
    const context = isStoredContextName(name) ? await this.contexts.findLive(name) : null;
    if (!context || !this.owners.sees(principal, context.owner)) throw new ContextNotFound(name);
    return context;
  }

  /** Asks a scheduler to stop that life of the context (a later life of the name is left alone). */
  private async sendStop(name: string, force: boolean, contextId: string): Promise<void> {
    await this.commands.add('stop', { type: 'stop', context: name, contextId, force }, { removeOnComplete: true, removeOnFail: true });
  }
}
