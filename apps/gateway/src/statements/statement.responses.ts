import type { StatementRecord } from '@jobserver/persistence';

/** A statement in Livy's shape: `{"id", "code", "state", "output", "progress", "started", "completed"}`. */
export function toStatementResponse(statement: StatementRecord): object {
  const { id, code, state, output, progress, started, completed } = statement;
  return { id, code, state, output, progress, started, completed };
}
