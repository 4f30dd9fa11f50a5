import { contextLimits, type ServerConfig } from '@jobserver/config';
import { BundleRepository, StatementRepository, type ContextRecord } from '@jobserver/persistence/core';
import {
  capErrorInfo,
  MAX_EVENT_OUTPUT_BYTES,
  type ContextStatementMessage,
  type EndedStatement,
  type StatementState,
  type WorkerControl,
} from '@jobserver/protocol';
import { EventBus, StatementClaims } from '@jobserver/protocol/redis';
import { BundleCacheService } from '../bundles/bundle-cache.service';
import { ExecutorService } from '../context/executor.service';
import type { JobOutcome } from '../executor/executor.messages';
import type { StatementHooks } from '../executor/executor.statements';
import { statementKey, type StatementOutput } from '../executor/statement.messages';
import { Logger } from '../infra/logger';
import { retryDuringOutage } from '../infra/outage-retry';

/** Progress of a statement is written at most this often (API.md's `progress-rate` default: 10 a second). */
const PROGRESS_WRITE_EVERY_MS = 100;
/**
 * A statement still running after this long is marked `running` in Postgres; a quicker one goes
 * from `waiting` to its end in one write (its Redis claim says `running` meanwhile, to the gateway
 * and against running it twice), as jobs do (job-run.service.ts).
 */
const RUNNING_WRITE_DELAY_MS = 50;

/**
 * Runs the console statements of the context's queue in its executor, beside the jobs (they share
 * the queue's `max-jobs-per-context` slots), and records how they end. Cancellation is the jobs':
 * the signal, then after `kill-grace` the executor is replaced; `job-timeout` cancels the same way.
 */
export class StatementRunService {
  private readonly logger = new Logger(StatementRunService.name);
  /** Statements running here: id → executor key. */
  private readonly running = new Map<number, string>();
  private readonly aborted = new Set<number>();
  /** Cancels that came while the statement was being marked running (applied once it runs). */
  private readonly early = new Map<number, string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The context stops: ends are no longer retried during an outage. */
  private stopping = false;
  private context: ContextRecord | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly statements: StatementRepository,
    private readonly bundles: BundleRepository,
    private readonly cache: BundleCacheService,
    private readonly executors: ExecutorService,
    private readonly bus: EventBus,
    private readonly claims: StatementClaims,
  ) {}

  attach(context: ContextRecord): void {
    this.context = context;
    this.executors.onReplaced((reason) => void this.recordScopeReset(reason));
  }

  run(message: ContextStatementMessage): Promise<void> {
    const running = this.execute(message).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  /**
   * For a context stop: resolves when the statements in flight have been recorded; an end that
   * Postgres refuses is no longer retried (the context's end sweeps it).
   */
  async settled(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Applies a console control message addressed to this context (cancel, completion, object catalog). */
  control(message: WorkerControl): void {
    if (message.type === 'cancel-statement' && message.contextId === this.context?.id) {
      this.cancel(message.statementId, `statement ${message.statementId} cancelled`);
    } else if (message.type === 'complete') {
      void this.complete(message.requestId, message.code, message.cursor);
    } else if (message.type === 'objects') {
      void this.objects(message.requestId, message.remove);
    }
  }

  /** Ends the waiting statements of this context once it ended (they never reach the executor). */
  async endUnfinished(): Promise<void> {
    if (!this.context) return;
    for (const ended of await this.statements.endOfEndedContexts(this.context.id)) {
      await this.publish(ended.id, ended.state, undefined);
    }
  }

  private async execute(message: ContextStatementMessage): Promise<void> {
    const context = this.context!;
    // A message left from an earlier life of the name belongs to statements that sweep ended.
    if (message.contextId !== context.id) return;
    const id = message.statementId;
    const started = Date.now();
    const code = await this.claim(id, message.code, started);
    if (code === null) return;
    const key = statementKey(context.id, id);
    this.running.set(id, key);
    const early = this.early.get(id);
    this.early.delete(id);
    const timeoutMs = contextLimits(context.settings).jobTimeoutMs;
    const timer = timeoutMs
      ? setTimeout(() => this.cancel(id, `statement ${id} cancelled: ran longer than job-timeout=${timeoutMs / 1000}s`), timeoutMs)
      : undefined;
    const running = setTimeout(() => {
      this.statements.markRunning(context.id, id, started).catch((err: unknown) =>
        this.logger.error({ err, context: context.name, statementId: id }, 'marking the statement running failed'),
      );
    }, RUNNING_WRITE_DELAY_MS);
    let outcome: JobOutcome;
    try {
      const request = { jobId: key, executionCount: id, code, maxOutputBytes: this.config.statementOutputLimit };
      const ran = this.executors.executor.runStatement(request, this.hooks(id));
      // After the executor registered it (a macrotask: its registration takes only microtasks).
      if (early) setTimeout(() => this.cancel(id, early), 0);
      outcome = await ran;
    } finally {
      clearTimeout(timer);
      clearTimeout(running);
      this.running.delete(id);
      this.aborted.delete(id);
    }
    await this.record(id, this.toOutput(id, outcome), started);
  }

  /**
   * Takes the statement for this worker (StatementClaims) and returns its code; null when it is
   * not to run: cancelled while it waited, or a re-delivered message of one that ran already.
   */
  private async claim(id: number, carried: unknown, started: number): Promise<string | null> {
    const context = this.context!;
    if (!(await this.claims.start(context.id, id, started))) {
      await this.endCancelled(id);
      return null;
    }
    return typeof carried === 'string' ? carried : this.statements.codeToRun(context.id, id);
  }

  /** A statement a cancel took while it waited: its row says so, should the cancel's own write have failed. */
  private async endCancelled(id: number): Promise<void> {
    const context = this.context!;
    const claim = (await this.claims.read(context.id, [id])).get(id);
    if (claim?.state !== 'cancelled') return;
    if ((await this.statements.cancel(context.id, id, claim.at)) === 'cancelled') await this.publish(id, 'cancelled', undefined);
  }

  private async record(id: number, output: StatementOutput, started: number): Promise<void> {
    const context = this.context!;
    const completed = Date.now();
    try {
      const state = await retryDuringOutage(
        () => this.statements.end(context.id, id, output, this.config.statementsRetained, completed, started),
        () => this.stopping,
        (err) => this.logger.warn({ err, context: context.name, statementId: id }, 'recording the statement end failed; retrying'),
      );
      if (state) await this.publish(id, state, endedStatement(state, output, started, completed));
      else await this.claims.settle(context.id, id);
    } catch (err) {
      // The context-death sweep ends it when the context ends.
      this.logger.error({ err, context: context.name, statementId: id }, 'recording the statement end failed');
    }
  }

  /** Publishes a statement's end, and shortens its claim (if it has one) in the same Redis call. */
  private publish(statementId: number, state: StatementState, ended: EndedStatement | undefined): Promise<number> {
    const { name: context, id: contextId } = this.context!;
    const settleClaimsOf = [StatementClaims.settleId(contextId, statementId)];
    return this.bus.publish({ kind: 'statement', context, contextId, statementId, state, ended }, { settleClaimsOf }).catch(() => 0);
  }

  /** Aborts the statement's signal; after `kill-grace` a statement still running is stopped by replacing the executor. */
  private cancel(id: number, reason: string): void {
    const key = this.running.get(id);
    if (key === undefined) {
      // Not running here yet (its start is being written) or not at all: kept for a few seconds.
      this.early.set(id, reason);
      setTimeout(() => this.early.delete(id), this.config.killGraceMs).unref();
      return;
    }
    if (this.aborted.has(id)) return;
    this.aborted.add(id);
    this.executors.executor.cancel(key, reason);
    setTimeout(() => {
      if (!this.executors.executor.runningJobIds().includes(key)) return;
      const grace = this.config.killGraceMs / 1000;
      this.executors.restart(`executor replaced: statement ${id} did not stop within kill-grace (${grace}s)`).catch((err: unknown) =>
        this.logger.error({ err, context: this.context?.name, statementId: id }, 'replacing the executor failed'),
      );
    }, this.config.killGraceMs).unref();
  }

  private hooks(id: number): StatementHooks {
    const context = this.context!;
    let latest = 0;
    let writing: NodeJS.Timeout | undefined;
    return {
      load: async (appName) => {
        const bundle = await this.bundles.latest(appName);
        if (!bundle) throw Object.assign(new Error(`appName ${appName} not found`), { name: 'BundleNotFound' });
        // Verified like a job's bundle: the cached files must match what was uploaded.
        await this.cache.verify(bundle.sha256, { app: appName, context: context.name });
        return this.cache.entryPath(bundle.sha256);
      },
      onProgress: (fraction) => {
        latest = fraction;
        writing ??= setTimeout(() => {
          writing = undefined;
          this.statements.setProgress(context.id, id, latest).catch(() => undefined);
        }, PROGRESS_WRITE_EVERY_MS);
      },
    };
  }

  private toOutput(id: number, outcome: JobOutcome): StatementOutput {
    if (outcome.kind === 'statement') return outcome.output;
    const error =
      outcome.kind === 'failed' || outcome.kind === 'load-failed'
        ? capErrorInfo(outcome.error, this.config.maxErrorSize)
        : { errorClass: 'ProtocolError', message: `the executor ended the statement as ${outcome.kind}`, stack: [] };
    return { status: 'error', execution_count: id, ename: error.errorClass, evalue: error.message, traceback: error.stack };
  }

  /** A replaced executor starts with an empty REPL scope: the history says so. */
  private async recordScopeReset(reason: string): Promise<void> {
    const context = this.context!;
    const note = `the executor was replaced (${reason}); the console scope was reset: earlier declarations and named objects are gone`;
    try {
      const id = await this.statements.insertNote(context.id, 'ScopeReset', note);
      if (id !== null) await this.publish(id, 'available', undefined);
    } catch (err) {
      this.logger.error({ err, context: context.name }, 'recording the scope reset failed');
    }
  }

  /** Answers a catalog request (GET or DELETE of /contexts/<name>/objects): null when the executor is busy. */
  private async objects(requestId: string, remove: string | undefined): Promise<void> {
    const catalog = await this.executors.executor.objects(remove).catch(() => null);
    const answer = { kind: 'objects' as const, context: this.context!.name, requestId, objects: catalog?.objects ?? null, removed: catalog?.removed };
    await this.bus.publish(answer).catch(() => 0);
  }

  private async complete(requestId: string, code: string, cursor: number): Promise<void> {
    const candidates = await this.executors.executor.complete(code, cursor).catch(() => []);
    await this.bus.publish({ kind: 'completion', context: this.context!.name, requestId, candidates }).catch(() => 0);
  }
}

/** What the row now holds, for the event (a cancelled one's progress is left to a read: not carried). */
function endedStatement(state: StatementState, output: StatementOutput, started: number, completed: number): EndedStatement | undefined {
  if (state !== 'available' || JSON.stringify(output).length > MAX_EVENT_OUTPUT_BYTES) return undefined;
  return { state, output: output as unknown as Record<string, unknown>, progress: 1, started, completed };
}
