import { contextLimits, type ServerConfig } from '@jobserver/config';
import { ContextRepository, type ContextRecord } from '@jobserver/persistence/core';
import { EXECUTOR_RESTARTS_FIELD } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { DataCacheService } from '../data/data-cache.service';
import { Executor } from '../executor/executor';
import type { ReportedEvent, ReportLimits } from '../executor/executor.messages';
import { Logger } from '../infra/logger';

/**
 * Owns the context's executor thread: starts it, replaces it (reporting RESTARTING → RUNNING),
 * and stops it.
 */
export class ExecutorService {
  /** Receives what jobs report (progress, stages, log lines), batched by the executor thread. */
  onReports?: (jobId: string, events: ReportedEvent[], dropped: number) => void;
  private readonly logger = new Logger(ExecutorService.name);
  private current: Executor | undefined;
  private context: ContextRecord | undefined;
  private readonly replacedListeners = new Set<(reason: string) => void>();
  /** A thread started ahead by {@link prewarm}, and its heap cap. */
  private spare: { executor: Executor; memoryLimitMb: number | undefined } | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly contexts: ContextRepository,
    private readonly bus: EventBus,
    private readonly data: DataCacheService,
  ) {}

  get executor(): Executor {
    if (!this.current) throw new Error('executor not started');
    return this.current;
  }

  /** The executor thread's V8 heap in use (0 before it started). */
  get heapUsedBytes(): number {
    return this.current?.heapUsedBytes ?? 0;
  }

  /**
   * Starts an executor thread ahead of any context, with the heap cap of the default context
   * settings (a spare worker, while it waits), and runs the worker's warm-up job in it: a context
   * with that cap takes it at {@link start}.
   */
  async prewarm(): Promise<void> {
    const settings = { ...this.config.contextDefaults };
    const executor = this.create('', settings);
    await executor.start();
    const warmUp = await executor.warmUp();
    if (warmUp !== 'finished') this.logger.warn({ outcome: warmUp }, 'the executor thread\'s warm-up job did not finish');
    this.spare = { executor, memoryLimitMb: contextLimits(settings).memoryLimitMb };
  }

  async start(context: ContextRecord): Promise<void> {
    this.context = context;
    const limits = contextLimits(context.settings);
    const spare = this.spare;
    this.spare = undefined;
    let executor: Executor;
    if (spare && spare.memoryLimitMb === limits.memoryLimitMb) {
      spare.executor.assign({ contextName: context.name, settings: context.settings, memoryLimitLabel: limits.memoryLimitLabel });
      executor = spare.executor;
    } else {
      await spare?.executor.stop();
      executor = this.create(context.name, context.settings);
      await executor.start();
    }
    executor.onUnexpectedExit = (error) =>
      void this.reportRestart(error.message).catch((err: unknown) =>
        this.logger.error({ err, context: context.name }, 'reporting the executor restart failed'),
      );
    this.current = executor;
  }

  private create(contextName: string, settings: Record<string, unknown>): Executor {
    const limits = contextLimits(settings);
    return new Executor({
      contextName,
      settings,
      memoryLimitMb: limits.memoryLimitMb,
      memoryLimitLabel: limits.memoryLimitLabel,
      maxResultSize: this.config.maxResultSize,
      env: jobEnv(this.config.jobEnv),
      validateTimeoutMs: this.config.validateTimeoutMs,
      maxErrorSize: this.config.maxErrorSize,
      reportLimits: reportLimits(this.config),
      onReports: (jobId, events, dropped) => this.onReports?.(jobId, events, dropped),
      onObjectDropped: (drop) =>
        this.logger.warn({ context: this.context?.name, object: drop.name, reason: drop.reason, bytes: drop.bytes }, drop.reason === 'ttl' ? 'named object dropped: its ttl passed' : 'named object dropped: over named-objects-max-bytes'),
      data: this.data,
    });
  }

  /** Calls `listener` with the reason every time the executor thread is replaced (a fresh REPL scope), as the replacement begins. */
  onReplaced(listener: (reason: string) => void): void {
    this.replacedListeners.add(listener);
  }

  /** Replaces the executor thread; its running jobs end with `reason`, named objects are lost. */
  async restart(reason: string): Promise<void> {
    this.logger.warn({ context: this.context?.name, reason }, 'replacing the executor');
    // Told first: the console history notes the reset before any statement posted while RESTARTING
    // (those run in the new executor).
    for (const listener of this.replacedListeners) listener(reason);
    await this.setState('RESTARTING');
    await this.executor.restart(reason);
    this.countRestart();
    await this.setState('RUNNING');
  }

  async stop(): Promise<void> {
    await Promise.all([this.current?.stop(), this.spare?.executor.stop()]);
  }

  /** jobserver_executor_restarts_total, cluster-wide (docs/metrics.md). */
  private countRestart(): void {
    this.bus
      .count([[EXECUTOR_RESTARTS_FIELD, 1]])
      .catch((err: unknown) => this.logger.error({ err, context: this.context?.name }, 'counting the restart failed'));
  }

  private async reportRestart(reason: string): Promise<void> {
    this.logger.warn({ context: this.context?.name, reason }, 'executor thread died; replaced');
    this.countRestart();
    for (const listener of this.replacedListeners) listener(reason);
    await this.setState('RESTARTING');
    await this.setState('RUNNING');
  }

  private async setState(state: 'RESTARTING' | 'RUNNING'): Promise<void> {
    const context = this.context;
    if (!context) return;
    const from = state === 'RESTARTING' ? (['RUNNING'] as const) : (['RESTARTING'] as const);
    if (await this.contexts.transition(context.id, from, state)) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state });
    }
  }
}

/** The limits on jobs' reports: `progress-rate`, `log-line-limit`, `log-lines-retained`. */
export function reportLimits(config: ServerConfig): ReportLimits {
  return { progressRate: config.progressRate, logLineLimit: config.logLineLimit, logLinesRetained: config.logLinesRetained };
}

/**
 * What user code sees of this process's env: the `job-env` variables (the launcher put them into
 * the worker's env; they are not secrets, by definition) and UV_THREADPOOL_SIZE, the context's
 * `num-cpu-cores` as the launcher applied it. Nothing else of the env reaches jobs.
 */
function jobEnv(names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...names, 'UV_THREADPOOL_SIZE']) {
    if (process.env[name] !== undefined) env[name] = process.env[name]!;
  }
  return env;
}
