import { LIVE_CONTEXT_STATES, UNFINISHED_STATEMENT_STATES, type StatementState } from '@jobserver/protocol';
import type { Pool } from 'pg';
import { hotQuery, pgPool, type SqlSource } from './pg-pool';
import { jsonbParam, textParam } from './pg-values';

/** A console statement as API.md shows it (Livy's shape). */
export interface StatementRecord {
  id: number;
  code: string;
  state: StatementState;
  /** Livy's output object; null until available (and for cancelled statements). */
  output: Record<string, unknown> | null;
  progress: number;
  /** Epoch ms; 0 until then. */
  started: number;
  completed: number;
}

/** A statement the sweep ended because its context had ended. */
export interface EndedStatement {
  contextId: string;
  context: string;
  id: number;
  state: StatementState;
}

const COLUMNS = `id, code, state, output, progress, started::float8 AS started, completed::float8 AS completed`;
const list = (states: readonly string[]) => states.map((s) => `'${s}'`).join(', ');
const LIVE = list(LIVE_CONTEXT_STATES);
const UNFINISHED = list(UNFINISHED_STATEMENT_STATES);
/** The state a statement ends in: a cancel asked for while it ran wins. */
const ENDED_STATE = `CASE WHEN state = 'cancelling' THEN 'cancelled' ELSE 'available' END`;
/**
 * The end of every PRUNE_EVERY-th statement deletes the ended statements that fell out of the
 * context's last `statements-retained`: the delete walks the index over every row deleted before
 * (until a vacuum), 0.1–0.5 ms once a context has run a few thousand statements, too much for
 * every end. {@link StatementRepository.list} shows only the retained ones meanwhile.
 */
const PRUNE_EVERY = 16;
/** Ends statement $2 of context $1 with output $3 at $4, started at $5 if its row has no start yet. */
const END = `UPDATE statements SET state = ${ENDED_STATE},
    output = CASE WHEN state = 'cancelling' THEN NULL ELSE $3::jsonb END,
    progress = CASE WHEN state = 'cancelling' THEN progress ELSE 1 END, completed = $4,
    started = CASE WHEN started = 0 THEN COALESCE($5::bigint, 0) ELSE started END
  WHERE context_id = $1 AND id = $2 AND state IN (${UNFINISHED}) RETURNING state`;
/** END, and the delete of the context's ended statements before its last $6. */
const END_AND_PRUNE = `WITH ended AS (${END}),
  pruned AS (DELETE FROM statements WHERE context_id = $1 AND state IN ('available', 'cancelled')
    AND id < (SELECT next_statement FROM contexts WHERE id = $1) - $6)
  SELECT state FROM ended`;

/** Console statements, per context life (raw SQL: on the path of every statement). */
const INSERT_BY_NAME = `WITH seq AS (UPDATE contexts SET next_statement = next_statement + 1
    WHERE name = $1 AND state IN ('STARTED', 'RUNNING', 'RESTARTING') AND NOT ad_hoc AND ($3::text IS NULL OR owner = $3)
    RETURNING id AS context_id, next_statement - 1 AS id)
  INSERT INTO statements (context_id, id, code, state) SELECT context_id, id, $2, 'waiting' FROM seq
  RETURNING context_id AS "contextId", ${COLUMNS}`;

export class StatementRepository {
  private readonly pool: Pool;
  private readonly prepare: boolean;

  /** @param options.prepare name the statements of every console statement's path (prepared once per connection). @defaultValue false */
  constructor(dataSource: SqlSource, options: { prepare?: boolean } = {}) {
    this.pool = pgPool(dataSource);
    this.prepare = options.prepare ?? false;
  }

  /**
   * Records a statement `waiting` in the live context named `name`, one statement for the happy
   * path: only if the context is running or starting (not stopping), named (not ad hoc), and of
   * `owner` when given. Returns it with its context's id; null when any of that fails (the caller
   * then finds out which).
   */
  async insertByName(name: string, code: string, owner?: string): Promise<{ contextId: string; statement: StatementRecord } | null> {
    const { rows } = await hotQuery<StatementRecord & { contextId: string }>(this.pool, this.prepare, 'statements.insert-by-name', INSERT_BY_NAME, [name, code, owner ?? null]);
    if (!rows[0]) return null;
    const { contextId, ...statement } = rows[0];
    return { contextId, statement };
  }

  /** Records a statement `waiting`, with the context's next id; null when the context is not live. */
  async insert(contextId: string, code: string): Promise<StatementRecord | null> {
    const { rows } = await this.pool.query<StatementRecord>(
      `WITH seq AS (UPDATE contexts SET next_statement = next_statement + 1 WHERE id = $1 AND state IN (${LIVE})
         RETURNING next_statement - 1 AS id)
       INSERT INTO statements (context_id, id, code, state) SELECT $1, id, $2, 'waiting' FROM seq RETURNING ${COLUMNS}`,
      [contextId, code],
    );
    return rows[0] ?? null;
  }

  /**
   * Records an entry of the history that ran nothing (the REPL scope was reset), `available` with
   * an error output named `ename`; only in a context that has statements. Returns its id, if any.
   */
  async insertNote(contextId: string, ename: string, evalue: string, now = Date.now()): Promise<number | null> {
    const { rows } = await this.pool.query<{ id: number }>(
      `WITH seq AS (UPDATE contexts SET next_statement = next_statement + 1 WHERE id = $1 AND next_statement > 0
         RETURNING next_statement - 1 AS id)
       INSERT INTO statements (context_id, id, code, state, output, progress, started, completed)
       SELECT $1, id, '', 'available', jsonb_build_object('status', 'error', 'execution_count', id, 'ename', $2::text,
         'evalue', $3::text, 'traceback', '[]'::jsonb), 1, $4, $4 FROM seq RETURNING id`,
      [contextId, textParam(ename), textParam(evalue), now],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Marks a statement its worker started (and claimed: StatementClaims) `running`, if it is still
   * `waiting` here: the worker writes it only for statements still running after a short delay.
   */
  async markRunning(contextId: string, id: number, started: number): Promise<void> {
    await this.pool.query(
      `UPDATE statements SET state = 'running', started = $3 WHERE context_id = $1 AND id = $2 AND state = 'waiting'`,
      [contextId, id, started],
    );
  }

  /** The code of a statement to run (waiting, or cancelled since its worker claimed it); null otherwise. */
  async codeToRun(contextId: string, id: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ code: string }>(
      `SELECT code FROM statements WHERE context_id = $1 AND id = $2 AND state IN ('waiting', 'cancelling')`,
      [contextId, id],
    );
    return rows[0]?.code ?? null;
  }

  /** Keeps the latest progress of a started statement (its row may say `waiting` for its first moments). */
  async setProgress(contextId: string, id: number, fraction: number): Promise<void> {
    await this.pool.query(
      `UPDATE statements SET progress = $3 WHERE context_id = $1 AND id = $2 AND state IN (${UNFINISHED})`,
      [contextId, id, fraction],
    );
  }

  /**
   * Ends an unfinished statement: `available` with `output`, or `cancelled` if a cancel was asked
   * for; then (every PRUNE_EVERY-th id) deletes the ended statements of the context before its last
   * `retained`. `started` (its worker's start) is written here for a statement that ended before
   * its `running` write.
   * @returns the state it ended in, or null if it had ended already
   */
  async end(contextId: string, id: number, output: object, retained: number, now = Date.now(), started?: number): Promise<StatementState | null> {
    const params = [contextId, id, jsonbParam(output), now, started ?? null];
    const { rows } =
      id % PRUNE_EVERY === 0
        ? await hotQuery<{ state: StatementState }>(this.pool, this.prepare, 'statements.end-and-prune', END_AND_PRUNE, [...params, retained])
        : await hotQuery<{ state: StatementState }>(this.pool, this.prepare, 'statements.end', END, params);
    return rows[0]?.state ?? null;
  }

  /**
   * Cancels a statement: a waiting one ends `cancelled` now, a running one becomes `cancelling`
   * (its worker ends it). Returns the new state, or null when it is not waiting or running.
   */
  async cancel(contextId: string, id: number, now = Date.now()): Promise<StatementState | null> {
    const { rows } = await this.pool.query<{ state: StatementState }>(
      `UPDATE statements SET state = CASE WHEN state = 'waiting' THEN 'cancelled' ELSE 'cancelling' END,
         completed = CASE WHEN state = 'waiting' THEN $3 ELSE completed END
       WHERE context_id = $1 AND id = $2 AND state IN ('waiting', 'running') RETURNING state`,
      [contextId, id, now],
    );
    return rows[0]?.state ?? null;
  }

  /**
   * Cancels a statement a worker has started, whether its row says `running` yet or still
   * `waiting` (StatementClaims): it becomes `cancelling`, its worker ends it. Returns the new
   * state, or null when it is not waiting or running.
   */
  async cancelStarted(contextId: string, id: number): Promise<StatementState | null> {
    const { rows } = await this.pool.query<{ state: StatementState }>(
      `UPDATE statements SET state = 'cancelling' WHERE context_id = $1 AND id = $2 AND state IN ('waiting', 'running') RETURNING state`,
      [contextId, id],
    );
    return rows[0]?.state ?? null;
  }

  /**
   * A statement of the context; with `retained`, null for an ended one older than the context's
   * last `retained` (as {@link list} shows them: its row may not be deleted yet).
   */
  async get(contextId: string, id: number, retained?: number): Promise<StatementRecord | null> {
    const kept = retained === undefined ? '' : ` AND (state IN (${UNFINISHED}) OR id >= (SELECT next_statement FROM contexts WHERE id = $1) - $3)`;
    const { rows } = await this.pool.query<StatementRecord>(
      `SELECT ${COLUMNS} FROM statements WHERE context_id = $1 AND id = $2${kept}`,
      retained === undefined ? [contextId, id] : [contextId, id, retained],
    );
    return rows[0] ?? null;
  }

  /** The context's statements, oldest first (Livy lists newest last): the unfinished ones and its last `retained`. */
  async list(contextId: string, retained: number): Promise<StatementRecord[]> {
    const { rows } = await this.pool.query<StatementRecord>(
      `SELECT ${COLUMNS} FROM statements WHERE context_id = $1
         AND (state IN (${UNFINISHED}) OR id >= (SELECT next_statement FROM contexts WHERE id = $1) - $2) ORDER BY id`,
      [contextId, retained],
    );
    return rows;
  }

  /**
   * Ends the unfinished statements of ended contexts (of `contextId` only, if given): `available`
   * with an error output naming the context's end, or `cancelled` if a cancel was asked for.
   * Statements never stay `running` after their context died.
   */
  async endOfEndedContexts(contextId?: string, now = Date.now()): Promise<EndedStatement[]> {
    const { rows } = await this.pool.query<EndedStatement>(
      `UPDATE statements s SET state = CASE WHEN s.state = 'cancelling' THEN 'cancelled' ELSE 'available' END,
         output = CASE WHEN s.state = 'cancelling' THEN NULL ELSE jsonb_build_object('status', 'error',
           'execution_count', s.id, 'ename', 'ContextTerminated', 'evalue',
           'context ' || c.name || ' ended (' || c.state || ') before the statement completed', 'traceback', '[]'::jsonb) END,
         completed = $2
       FROM contexts c
       WHERE s.context_id = c.id AND c.state NOT IN (${LIVE}) AND s.state IN (${UNFINISHED}) AND ($1::uuid IS NULL OR c.id = $1)
       RETURNING s.context_id AS "contextId", c.name AS context, s.id, s.state`,
      [contextId ?? null, now],
    );
    return rows;
  }
}
