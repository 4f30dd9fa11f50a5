import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository, StatementRepository, type ContextRecord, type StatementRecord } from '@jobserver/persistence';
import {
  AdHocContextStatement,
  ContextNotFound,
  ContextStopping,
  EventWaiter,
  STATEMENT_CODE_IN_MESSAGE,
  StatementNotFound,
} from '@jobserver/protocol';
import { EventBus, StatementClaims } from '@jobserver/protocol/redis';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { isStoredContextName } from '../infra/names';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { SERVER_CONFIG } from '../infra/tokens';
import { StartedStatements } from './started-statements.service';
import { ContextQueues } from '../infra/context-queues';
import { completionRequest, statementCode, statementId, waitMs } from './statement.request';

/** How long a completion waits for the context's worker. */
const COMPLETION_TIMEOUT_MS = 2000;

/** Console statements (API.md "Console"): post, list, read, cancel, complete. */
@Injectable()
export class StatementService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly contexts: ContextRepository,
    private readonly statements: StatementRepository,
    private readonly queues: ContextQueues,
    private readonly waiter: EventWaiter,
    private readonly bus: EventBus,
    private readonly owners: OwnerScope,
    private readonly redis: RedisReadiness,
    private readonly claims: StatementClaims,
    private readonly started: StartedStatements,
  ) {}

  /**
   * Records a statement `waiting` and queues it behind the context's jobs; with `wait`, answers
   * once it is available (or cancelled) or the wait ends.
   * @throws BadRequest for empty code or a bad `wait`; ContextNotFound; ContextStopping; AdHocContextStatement
   */
  async submit(name: string, body: string, wait: string | undefined, principal?: Principal): Promise<StatementRecord> {
    const code = statementCode(body, this.config.configMaxSize);
    const waitFor = waitMs(wait);
    this.redis.assertReady();
    const inserted = isStoredContextName(name) ? await this.statements.insertByName(name, code, this.owners.of(principal)) : null;
    if (!inserted) return this.refusal(name, principal);
    const { contextId, statement } = inserted;
    const ended = waitFor > 0 ? this.waiter.forStatement(contextId, statement.id) : undefined;
    // Short code travels with the message: its worker then reads nothing from Postgres to start it.
    const carried = code.length <= STATEMENT_CODE_IN_MESSAGE ? { code } : {};
    await this.queues.addStatement(name, { contextId, statementId: statement.id, ...carried }).catch(async (error: unknown) => {
      // Redis went down since the readiness check: the statement never reaches the worker.
      ended?.cancel();
      const output = { status: 'error', execution_count: statement.id, ename: 'ServiceUnavailable', evalue: 'the statement could not be queued', traceback: [] };
      await this.statements.end(contextId, statement.id, output, this.config.statementsRetained).catch(() => null);
      throw error;
    });
    if (!ended) return statement;
    const event = await ended.wait(waitFor);
    if (event?.ended) return { ...statement, ...event.ended };
    return this.read(contextId, statement.id, statement);
  }

  async list(name: string, principal?: Principal): Promise<StatementRecord[]> {
    const { id } = await this.findLive(name, principal);
    return this.started.merge(id, await this.statements.list(id, this.config.statementsRetained));
  }

  /** @throws BadRequest for an id that is not a number; StatementNotFound */
  async get(name: string, id: string, principal?: Principal): Promise<StatementRecord> {
    const number = statementId(id);
    const statement = await this.read((await this.findLive(name, principal)).id, number);
    if (!statement) throw new StatementNotFound(number);
    return statement;
  }

  /**
   * Cancels a statement as a job is cancelled: a waiting one never runs; a running one gets its
   * signal aborted, and after `kill-grace` the executor is replaced. One that ended stays as it is.
   */
  async cancel(name: string, id: string, principal?: Principal): Promise<void> {
    const number = statementId(id);
    const context = await this.findLive(name, principal);
    this.redis.assertReady();
    const statement = await this.statements.get(context.id, number, this.config.statementsRetained);
    if (!statement) throw new StatementNotFound(number);
    // A row that still says waiting may be running (StatementClaims): the claim decides which.
    const started = statement.state === 'waiting' && !(await this.claims.cancel(context.id, number, Date.now()));
    const state = started ? await this.statements.cancelStarted(context.id, number) : await this.statements.cancel(context.id, number);
    if (state === 'cancelling') {
      await this.bus.sendControl({ type: 'cancel-statement', context: name, contextId: context.id, statementId: number });
    } else if (state === 'cancelled') {
      await this.bus.publish({ kind: 'statement', context: name, contextId: context.id, statementId: number, state });
    }
  }

  /** Completion candidates from the context's REPL scope and named objects (none while its executor is busy). */
  async complete(name: string, body: string, principal?: Principal): Promise<string[]> {
    const { code, cursor } = completionRequest(body, this.config.configMaxSize);
    await this.findLive(name, principal);
    this.redis.assertReady();
    const requestId = randomUUID();
    const answer = this.waiter.forCompletion(requestId);
    await this.bus.sendControl({ type: 'complete', context: name, requestId, code, cursor }).catch((error: unknown) => {
      answer.cancel();
      throw error;
    });
    return (await answer.wait(COMPLETION_TIMEOUT_MS))?.candidates ?? [];
  }

  /** A statement as its row and its claim say (StartedStatements); `fallback` when the row is gone. */
  private async read(contextId: string, id: number): Promise<StatementRecord | null>;
  private async read(contextId: string, id: number, fallback: StatementRecord): Promise<StatementRecord>;
  private async read(contextId: string, id: number, fallback: StatementRecord | null = null): Promise<StatementRecord | null> {
    const row = await this.statements.get(contextId, id, this.config.statementsRetained);
    return row ? (await this.started.merge(contextId, [row]))[0]! : fallback;
  }

  /**
   * Says why a statement could not be recorded (looked up only then: the happy path is one
   * statement). @throws ContextNotFound; ContextStopping; AdHocContextStatement
   */
  private async refusal(name: string, principal: Principal | undefined): Promise<never> {
    const context = await this.findLive(name, principal);
    if (context.state === 'STOPPING') throw new ContextStopping();
    if (context.adHoc) throw new AdHocContextStatement(name);
    // It became live (or ended) between the two reads: as good as absent a moment ago.
    throw new ContextNotFound(name);
  }

  /** The live context of that name, if the principal may see it. @throws ContextNotFound */
  private async findLive(name: string, principal: Principal | undefined): Promise<ContextRecord> {
    const context = isStoredContextName(name) ? await this.contexts.findLive(name) : null;
    if (!context || !this.owners.sees(principal, context.owner)) throw new ContextNotFound(name);
    return context;
  }
}
