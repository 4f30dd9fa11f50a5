import { Injectable, Logger } from '@nestjs/common';
import { StatementRepository } from '@jobserver/persistence';
import { EventBus } from '@jobserver/protocol/redis';

/**
 * Ends the console statements of contexts that ended: waiting ones never reached an executor,
 * running ones died with their worker. Each ends `available` with an error output naming the
 * context's end (or `cancelled`, if a cancel was asked for), never `running` forever. Called when
 * the scheduler ends a context, and periodically by the supervisor for ends it did not see.
 */
@Injectable()
export class OrphanedStatementSweeper {
  private readonly logger = new Logger(OrphanedStatementSweeper.name);

  constructor(
    private readonly statements: StatementRepository,
    private readonly bus: EventBus,
  ) {}

  /** Ends the unfinished statements of `contextId` (if it ended), or of every ended context. */
  async sweep(contextId?: string): Promise<void> {
    const ended = await this.statements.endOfEndedContexts(contextId);
    for (const s of ended) {
      await this.bus.publish({ kind: 'statement', context: s.context, contextId: s.contextId, statementId: s.id, state: s.state });
    }
    if (ended.length) this.logger.warn({ statements: ended.length }, 'statements of ended contexts ended');
  }
}
