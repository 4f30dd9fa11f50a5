import { contextLimits, type ServerConfig } from '@jobserver/config';
import { ContextRepository, contextRecordFromJson, JobLifecycle, type ContextRecord } from '@jobserver/persistence/core';
import { RedisNames, toErrorInfo } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { hostname } from 'node:os';
import { BundleCacheService } from '../bundles/bundle-cache.service';
import { Logger } from '../infra/logger';
import { ContextJobProcessor } from '../jobs/context-job.processor';
import { JobRunService } from '../jobs/job-run.service';
import { SnapshotService } from '../snapshots/snapshot.service';
import { StatementRunService } from '../statements/statement-run.service';
import { ExecutorService } from './executor.service';

/** Deletes KEYS[1] if its value is ARGV[1]. */
const DELETE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The life of the one context this process hosts: boot, heartbeat, stop. */
export class ContextHostService {
  private readonly logger = new Logger(ContextHostService.name);
  private context: ContextRecord | undefined;
  /** The context's heartbeat goes out with each beat of the process's registration (one timer a process). */
  private beating = false;
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the context has stopped and the process may exit. */
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(
    private readonly config: ServerConfig,
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
    private readonly jobLifecycle: JobLifecycle,
    private readonly bus: EventBus,
    private readonly executors: ExecutorService,
    private readonly runs: JobRunService,
    private readonly processor: ContextJobProcessor,
    private readonly statements: StatementRunService,
    private readonly snapshots: SnapshotService,
    private readonly bundles: BundleCacheService,
  ) {}

  get name(): string | undefined {
    return this.context?.name;
  }

  /** The id of the context life this process hosts. */
  get contextId(): string | undefined {
    return this.context?.id;
  }

  /**
   * What a spare worker does while it waits for its context: starts an executor thread (and runs
   * the worker's warm-up job in it), opens a database connection (and prepares a job's end on
   * it) and warms up the queue consumer's code, so that {@link boot} and the first job find them
   * ready, and fetches the newest bundles in the background.
   */
  async prepare(): Promise<void> {
    // One connection, warmed with the boot's lookup and then a job end's prepared statement.
    const warmDatabase = async () => {
      await this.contexts.warmUp();
      await this.jobLifecycle.warmUp();
    };
    await Promise.all([this.executors.prewarm(), warmDatabase(), this.processor.warmUp()]);
    this.bundles.prefetchRecent();
  }

  /**
   * Starts the executor (with the snapshot its settings name restored, before any job can run)
   * and the heartbeat, takes the context (STARTED → RUNNING, which only one process can do),
   * reports RUNNING and starts the queue consumer. `given`: the record as the launcher read it
   * (a spare's assignment), which saves reading it; the take (STARTED → RUNNING) checks it still holds.
   */
  async boot(contextId: string, given?: unknown): Promise<void> {
    const context = contextRecordFromJson(given, contextId) ?? (await this.contexts.byId(contextId));
    if (!context || context.state !== 'STARTED') throw new Error(`context ${contextId} is not waiting for a worker`);
    this.context = context;
    try {
      await this.executors.start(context);
      this.runs.attach(context);
      this.statements.attach(context);
      this.snapshots.attach(context);
      // The first beat is sent before the take (STARTED → RUNNING), so that a scheduler that reads
      // the record RUNNING finds its heartbeat, and it is awaited before RUNNING is told; not in
      // between (a round trip less). Beating meanwhile: restoring a large snapshot may take seconds.
      const beaten = this.beat();
      this.beating = true;
      await this.snapshots.restore(context);
      const worker = `${hostname()}/${process.pid}`;
      // Before consuming: a second process started for the same context takes no job.
      if (!(await this.contexts.transition(context.id, ['STARTED'], 'RUNNING', { pid: process.pid, worker }))) {
        throw new Error(`context ${context.name} was stopped while starting, or another worker hosts it`);
      }
      // Told before the consumer starts (its construction takes 3–5 ms in a fresh process): a job
      // posted at once waits in the context's queue for it.
      await beaten;
      const running = this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'RUNNING' });
      this.processor.start(context.name, contextLimits(context.settings).maxJobs);
      await running;
      this.logger.log({ context: context.name, pid: process.pid }, 'context running');
    } catch (error) {
      await this.failBoot(context, error);
      throw error;
    }
  }

  /** The name of the context this process hosts, once it has one (GET /status). */
  hostedContext(): string | undefined {
    return this.context?.name;
  }

  /**
   * Stops the context: jobs end KILLED, named objects are dropped, the process may exit.
   * Running jobs get their signal and kill-grace to return; with `force` they are cut off at once.
   */
  stop(force = false): Promise<void> {
    this.stopping ??= this.shutdown(force)
      .catch((err: unknown) => this.logger.error({ err, context: this.context?.name }, 'stopping the context failed'))
      .finally(() => this.resolveStopped());
    return this.stopping;
  }

  private async shutdown(force: boolean): Promise<void> {
    const context = this.context;
    if (!context) return;
    this.logger.log({ context: context.name }, 'stopping context');
    await this.processor.close();
    // Cooperative jobs get their signal and kill-grace to return; the rest are cut off.
    await this.runs.abortAll(force ? 0 : this.config.killGraceMs);
    await this.executors.stop();
    await this.runs.settled();
    await this.statements.settled();
    // Only this life's jobs: a job posted after a new context took the name belongs to that one.
    await this.jobLifecycle.endActiveOfContext(context, 'KILLED', undefined, context.id);
    this.beating = false;
    await this.dropHeartbeat(context);
    if (await this.contexts.end(context.id, 'FINISHED')) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'FINISHED' });
    }
    await this.statements.endUnfinished();
  }

  /**
   * Exits at once, without the stop protocol: the pool launcher's kill (the scheduler ends the
   * records). Deletes the heartbeat first, so that the scheduler sees the worker gone now.
   */
  async terminate(): Promise<void> {
    this.logger.warn({ context: this.context?.name }, 'killed by the scheduler; exiting');
    this.beating = false;
    if (this.context) {
      const deleted = this.dropHeartbeat(this.context).catch(() => 0);
      await Promise.race([deleted, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    process.exit(137);
  }

  /**
   * Deletes this life's heartbeat, and only this life's: a new context of the same name (a spare
   * takes it in ~100 ms) may already beat under the name while this one still shuts down.
   */
  private dropHeartbeat(context: ContextRecord): Promise<unknown> {
    return this.redis.eval(DELETE_IF_OURS, 1, this.names.heartbeatKey(context.name), context.id);
  }

  /**
   * Adds this life's heartbeat to `commands` (the process registration's beat, every
   * `heartbeat-interval`) while the context is up. The heartbeat's value is the context id: a
   * scheduler tells this life of the name from an older one.
   */
  addHeartbeat(commands: ChainableCommander): void {
    if (this.beating && this.context) this.heartbeatCommands(commands, this.context);
  }

  /** The first heartbeat, at boot, before the context is taken. */
  private async beat(): Promise<void> {
    await this.heartbeatCommands(this.redis.pipeline(), this.context!)
      .exec()
      .catch((err: unknown) => this.logger.error({ err }, 'heartbeat failed'));
  }

  private heartbeatCommands(commands: ChainableCommander, { name, id }: ContextRecord): ChainableCommander {
    const ttl = this.config.heartbeatTimeoutMs;
    // The memory rides along in its own key: the heartbeat's value stays the id schedulers compare.
    const memory = { contextId: id, rss: process.memoryUsage.rss(), heap: this.executors.heapUsedBytes };
    return commands.set(this.names.heartbeatKey(name), id, 'PX', ttl).set(this.names.memoryKey(name), JSON.stringify(memory), 'PX', ttl);
  }

  private async failBoot(context: ContextRecord, cause: unknown): Promise<void> {
    const error = toErrorInfo(cause);
    this.logger.error({ context: context.name, err: cause }, 'context failed to start');
    this.beating = false;
    await this.executors.stop().catch(() => undefined);
    // Only a context still waiting for this process: one that another process hosts is left alone.
    if (await this.contexts.transition(context.id, ['STARTED'], 'ERROR', { error })) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'ERROR', error });
    }
  }
}
