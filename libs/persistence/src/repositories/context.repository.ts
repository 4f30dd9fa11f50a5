import {
  ContextExists,
  LIVE_CONTEXT_STATES,
  TooManyContexts,
  type ContextState,
  type ErrorInfo,
} from '@jobserver/protocol';
import type { ContextEntity } from '../entities/context.entity';
import { pgPool, type SqlSource } from './pg-pool';
import { jsonbParam } from './pg-values';

export type ContextRecord = ContextEntity;

const UNIQUE_VIOLATION = '23505';
/** Advisory lock serializing context inserts under `max-contexts`, across every gateway and scheduler. */
const CONTEXT_COUNT_LOCK = 74_61_2027;
/**
 * Class of the advisory locks on a context name (the second key is the name's hash): a new
 * context of the name is recorded only while nobody holds it (see {@link ContextRepository.whenNameFree}).
 */
const CONTEXT_NAME_LOCK = 74_61_2028;
const LIVE_LIST = LIVE_CONTEXT_STATES.map((state) => `'${state}'`).join(', ');
const CONTEXT_COLUMNS = `id, name, state, settings, ad_hoc AS "adHoc", worker, pid,
  start_time AS "startTime", end_time AS "endTime", error, owner`;

/**
 * A context record that went through JSON (a local launcher's, to the spare it assigns), with its
 * dates revived; null unless it is a record of the context `id`.
 */
export function contextRecordFromJson(value: unknown, id: string): ContextRecord | null {
  if (!value || typeof value !== 'object') return null;
  const row = value as Record<string, unknown>;
  if (row.id !== id || typeof row.name !== 'string' || typeof row.state !== 'string' || typeof row.startTime !== 'string') return null;
  const endTime = typeof row.endTime === 'string' ? new Date(row.endTime) : null;
  return { ...row, startTime: new Date(row.startTime), endTime } as ContextRecord;
}

/** Context lives: at most one live row per name. */
export class ContextRepository {
  constructor(private readonly dataSource: SqlSource) {}

  /**
   * Records a context that is being launched (state STARTED), if fewer than `maxContexts` are
   * live. Concurrent inserts (any gateway or scheduler) take an advisory lock of a session of
   * their own in turn; the count runs in the insert's statement, on a snapshot taken once the
   * lock was granted, so that two of them cannot both take the last place. Two round trips: the
   * lock's release follows the answer.
   * @throws ContextExists when a live context holds the name
   * @throws TooManyContexts when `maxContexts` contexts are live
   */
  async insertStarting(
    name: string,
    settings: Record<string, unknown>,
    adHoc: boolean,
    owner: string | null = null,
    maxContexts = Infinity,
  ): Promise<ContextRecord> {
    if (!Number.isFinite(maxContexts)) return (await this.insert((sql, params) => this.dataSource.query(sql, params), name, settings, adHoc, owner))!;
    const session = await pgPool(this.dataSource).connect();
    let locked = false;
    try {
      await session.query('SELECT pg_advisory_lock($1)', [CONTEXT_COUNT_LOCK]);
      locked = true;
      // On the locking session: a pool connection could be exhausted by others waiting for the lock.
      const query = async (sql: string, params: unknown[]) => (await session.query<ContextRecord>(sql, params)).rows;
      const row = await this.insert(query, name, settings, adHoc, owner, maxContexts);
      if (!row) throw new TooManyContexts(maxContexts);
      return row;
    } finally {
      // A session whose unlock failed is dropped (its backend ends, and the lock with it).
      const unlocked = locked ? session.query('SELECT pg_advisory_unlock($1)', [CONTEXT_COUNT_LOCK]) : Promise.resolve();
      unlocked.then(
        () => session.release(),
        (error: Error) => session.release(error),
      );
    }
  }

  /**
   * A waiting worker's warm-up: opens a pool connection and runs the lookup its boot runs first
   * ({@link byId}), on an id no context has.
   */
  async warmUp(): Promise<void> {
    await this.byId('00000000-0000-0000-0000-000000000000');
  }

  /** How many contexts are live (named and ad hoc). */
  async countLive(): Promise<number> {
    const [{ live }] = await this.dataSource.query(`SELECT count(*)::int AS live FROM contexts WHERE state IN (${LIVE_LIST})`);
    return live;
  }

  /**
   * Runs `work` if no live context holds `name`, while no new one can take it (a context insert
   * of the name waits until `work` is done): a stopped context's clean-up of what it shared with
   * later lives of its name (its job queue) cannot catch a new life's first jobs.
   * @returns whether `work` ran
   */
  async whenNameFree(name: string, work: () => Promise<void>): Promise<boolean> {
    const session = await pgPool(this.dataSource).connect();
    let began = false;
    try {
      // A transaction's lock: it goes with the transaction, even if the connection breaks.
      await session.query('BEGIN');
      began = true;
      await session.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CONTEXT_NAME_LOCK, name]);
      const { rowCount } = await session.query(`SELECT 1 FROM contexts WHERE name = $1 AND state IN (${LIVE_LIST}) LIMIT 1`, [name]);
      const free = !rowCount;
      if (free) await work();
      await session.query('COMMIT');
      return free;
    } catch (error) {
      if (began) await session.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      session.release();
    }
  }

  /** Inserts the STARTED row, waiting while its name is held (see {@link whenNameFree}). */
  /** Inserts the STARTED row; none when `maxContexts` (if given) are live already. */
  private async insert(
    query: (sql: string, params: unknown[]) => Promise<ContextRecord[]>,
    name: string,
    settings: Record<string, unknown>,
    adHoc: boolean,
    owner: string | null,
    maxContexts?: number,
  ): Promise<ContextRecord | undefined> {
    try {
      const [row] = await query(
        `WITH name_lock AS (SELECT pg_advisory_xact_lock(${CONTEXT_NAME_LOCK}, hashtext($1)))
         INSERT INTO contexts (name, settings, ad_hoc, owner, state)
         SELECT $1, $2::jsonb, $3, $4, 'STARTED' FROM name_lock
         WHERE $5::int IS NULL OR (SELECT count(*) FROM contexts WHERE state IN (${LIVE_LIST})) < $5::int
         RETURNING ${CONTEXT_COLUMNS}`,
        [name, jsonbParam(settings), adHoc, owner, maxContexts ?? null],
      );
      return row;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ContextExists(name);
      throw error;
    }
  }

  async byId(id: string): Promise<ContextRecord | null> {
    // Raw SQL: the first read of every context's start (TypeORM's find took 3–4.5 ms in a warmed-up spare).
    const rows: ContextRecord[] = await this.dataSource.query(`SELECT ${CONTEXT_COLUMNS} FROM contexts WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The live context of that name, if any. */
  async findLive(name: string): Promise<ContextRecord | null> {
    // Raw SQL: this read is on the submit path of every job (TypeORM's find adds ~0.2 ms).
    const rows: ContextRecord[] = await this.dataSource.query(
      `SELECT ${CONTEXT_COLUMNS} FROM contexts WHERE name = $1 AND state IN (${LIVE_LIST}) LIMIT 1`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** The newest record of that name, live or ended, if any. */
  async findLatest(name: string): Promise<ContextRecord | null> {
    const rows: ContextRecord[] = await this.dataSource.query(
      `SELECT ${CONTEXT_COLUMNS} FROM contexts WHERE name = $1 ORDER BY start_time DESC LIMIT 1`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** Replaces the error of an ended context (why it stays ended). */
  async setError(id: string, error: ErrorInfo): Promise<void> {
    await this.dataSource.query('UPDATE contexts SET error = $2::jsonb WHERE id = $1', [id, jsonbParam(error)]);
  }

  /** Live contexts, oldest first; with `owner`, only that principal's. */
  listLive(owner?: string): Promise<ContextRecord[]> {
    const byOwner = owner === undefined ? '' : ' AND owner = $1';
    return this.dataSource.query(
      `SELECT ${CONTEXT_COLUMNS} FROM contexts WHERE state IN (${LIVE_LIST})${byOwner} ORDER BY start_time`,
      owner === undefined ? [] : [owner],
    );
  }

  /** Moves a context to `to` if it is in one of `from`; returns whether it moved. */
  async transition(
    id: string,
    from: readonly ContextState[],
    to: ContextState,
    patch: Partial<Pick<ContextEntity, 'worker' | 'pid' | 'error'>> = {},
  ): Promise<boolean> {
    // Raw SQL: on the way of every context's start (TypeORM's update took 5–10 ms in a fresh worker).
    const values: unknown[] = [id, [...from], to];
    const sets = ['state = $3'];
    const set = (column: string, value: unknown, cast = '') => {
      values.push(value);
      sets.push(`${column} = $${values.length}${cast}`);
    };
    if (patch.worker !== undefined) set('worker', patch.worker);
    if (patch.pid !== undefined) set('pid', patch.pid);
    if (patch.error !== undefined) set('error', patch.error === null ? null : jsonbParam(patch.error), '::jsonb');
    if (!LIVE_CONTEXT_STATES.includes(to)) set('end_time', new Date());
    const { rowCount } = await pgPool(this.dataSource).query(`UPDATE contexts SET ${sets.join(', ')} WHERE id = $1 AND state = ANY($2::text[])`, values);
    return (rowCount ?? 0) > 0;
  }

  /** Ends a live context in a final state (FINISHED, ERROR, KILLED). */
  end(id: string, state: ContextState, error: ErrorInfo | null = null): Promise<boolean> {
    return this.transition(id, LIVE_CONTEXT_STATES, state, { error });
  }
}
