import type { DataSource } from 'typeorm';

/** A schedule as stored: what it submits, when, and the tick it waits for. */
export interface ScheduleRecord {
  id: string;
  name: string;
  appName: string;
  classPath: string;
  /** The named context its jobs run in; null: each job gets an ad-hoc context. */
  contextName: string | null;
  cron: string | null;
  everyMs: number | null;
  /** The cron's IANA time zone; null for an `every` schedule. */
  timezone: string | null;
  /** The jobs' config as JSON text. */
  config: string;
  priority: number;
  /** Each job's `retries` (issue 16: re-runs after its executor or worker died). */
  retries: number;
  /** The schedule's own missed-tick policy; null: the server's `schedule-missed`. */
  missed: 'once' | 'skip' | null;
  /** The principal that created it, owner of its jobs; null while auth is off. */
  owner: string | null;
  /** The owner its context must have (auth.isolate-owners); null: any. */
  contextOwner: string | null;
  paused: boolean;
  /** Where an `every` schedule's ticks count from: its creation or last resumption. */
  anchor: Date;
  /** The tick it waits for (meaningless while paused). */
  nextRunAt: Date;
  createdAt: Date;
  /** The last tick that ran or was skipped. */
  lastRunAt: Date | null;
}

/** A schedule to create; its id is the caller's (tick job ids derive from it). */
export type NewSchedule = Omit<ScheduleRecord, 'paused' | 'createdAt' | 'lastRunAt'>;

/** One tick's outcome, newest first, with its job's status while the job is kept. */
export interface ScheduleRun {
  tickAt: Date;
  jobId: string | null;
  /** Why no job ran (its app or context was missing, or the tick was missed and skipped). */
  error: string | null;
  jobStatus: string | null;
}

/** Runs kept per schedule (the newest). */
export const SCHEDULE_RUNS_KEPT = 100;

const COLUMNS = `id, name, app_name AS "appName", class_path AS "classPath", context_name AS "contextName", cron,
  every_ms::float8 AS "everyMs", timezone, config, priority, retries, missed, owner, context_owner AS "contextOwner", paused,
  anchor, next_run_at AS "nextRunAt", created_at AS "createdAt",
  (SELECT max(r.tick_at) FROM schedule_runs r WHERE r.schedule_id = schedules.id) AS "lastRunAt"`;

/**
 * Schedules and their runs. Which scheduler runs a tick is settled elsewhere (the tick's job id
 * is unique); this moves a schedule on only from the tick it waited for ({@link advance}).
 */
export class ScheduleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a schedule; null when one of that name exists. */
  async create(s: NewSchedule): Promise<ScheduleRecord | null> {
    const rows: ScheduleRecord[] = await this.dataSource.query(
      `INSERT INTO schedules (id, name, app_name, class_path, context_name, cron, every_ms, timezone, config, priority,
         missed, owner, context_owner, anchor, next_run_at, created_at, retries)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $16)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [s.id, s.name, s.appName, s.classPath, s.contextName, s.cron, s.everyMs, s.timezone, s.config, s.priority, s.missed, s.owner, s.contextOwner, s.anchor, s.nextRunAt, s.retries],
    );
    return rows[0] ?? null;
  }

  async byName(name: string): Promise<ScheduleRecord | null> {
    const rows: ScheduleRecord[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM schedules WHERE name = $1`, [name]);
    return rows[0] ?? null;
  }

  /** Every schedule (of `owner` when given), by name. */
  list(owner?: string): Promise<ScheduleRecord[]> {
    return owner === undefined
      ? this.dataSource.query(`SELECT ${COLUMNS} FROM schedules ORDER BY name`)
      : this.dataSource.query(`SELECT ${COLUMNS} FROM schedules WHERE owner = $1 ORDER BY name`, [owner]);
  }

  /** Deletes a schedule and its runs (not its jobs); false if there was none. */
  async remove(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`DELETE FROM schedules WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  async pause(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE schedules SET paused = true WHERE id = $1`, [id]);
  }

  /** Unpauses a paused schedule, its ticks counted anew from `anchor`; no-op if it was not paused. */
  async resume(id: string, anchor: Date, nextRunAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE schedules SET paused = false, anchor = $2, next_run_at = $3 WHERE id = $1 AND paused`, [id, anchor, nextRunAt]);
  }

  /** Unpaused schedules whose tick is at or before `now`, the most overdue first. */
  due(now: Date, limit: number): Promise<ScheduleRecord[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM schedules WHERE NOT paused AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2`,
      [now, limit],
    );
  }

  /** The earliest tick any unpaused schedule waits for; null when none does. */
  async nextDue(): Promise<Date | null> {
    const rows: Array<{ at: Date | null }> = await this.dataSource.query(`SELECT min(next_run_at) AS at FROM schedules WHERE NOT paused`);
    return rows[0]?.at ?? null;
  }

  /** Moves a schedule from the tick `from` on to `to`; false if another scheduler did already (or it was paused). */
  async advance(id: string, from: Date, to: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE schedules SET next_run_at = $3 WHERE id = $1 AND next_run_at = $2 AND NOT paused RETURNING id`,
      [id, from, to],
    );
    return rows.length > 0;
  }

  /** Records a tick's outcome once (a repeat is ignored) and drops runs past the newest {@link SCHEDULE_RUNS_KEPT}. */
  async recordRun(scheduleId: string, tickAt: Date, jobId: string | null, error: string | null): Promise<void> {
    await this.dataSource.query(
      `WITH added AS (
         INSERT INTO schedule_runs (schedule_id, tick_at, job_id, error) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING tick_at)
       DELETE FROM schedule_runs WHERE schedule_id = $1 AND tick_at < (
         SELECT tick_at FROM schedule_runs WHERE schedule_id = $1 ORDER BY tick_at DESC OFFSET ${SCHEDULE_RUNS_KEPT - 1} LIMIT 1)`,
      [scheduleId, tickAt, jobId, error],
    );
  }

  /** The newest `limit` runs of a schedule. */
  runs(scheduleId: string, limit: number): Promise<ScheduleRun[]> {
    return this.dataSource.query(
      `SELECT r.tick_at AS "tickAt", r.job_id AS "jobId", r.error, j.status AS "jobStatus"
       FROM schedule_runs r LEFT JOIN jobs j ON j.id = r.job_id
       WHERE r.schedule_id = $1 ORDER BY r.tick_at DESC LIMIT $2`,
      [scheduleId, limit],
    );
  }
}
