import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What the gauges read from Postgres: jobs queued/running now, contexts by state, live apps. */
export interface ClusterState {
  jobs: Map<string, number>;
  contexts: Map<string, number>;
  /** Live contexts' names and ids: the only values of the `context` label. */
  live: Array<{ name: string; id: string }>;
  /** Apps with a bundle stored now: the only values of the `app` label. */
  apps: Set<string>;
}

/** How long a read of the cluster state answers scrapes (docs/metrics.md: gauges up to 2 s old). */
export const STATE_TTL_MS = 2000;

const counts = (rows: Array<{ key: string; n: string | number }>) =>
  new Map(rows.map((row) => [row.key, Number(row.n)]));

/**
 * Reads the gauges' state from Postgres, at most once per STATE_TTL_MS for all scrapes of this
 * gateway (concurrent scrapes share one read). A failed read is not cached: the next scrape retries.
 */
@Injectable()
export class ClusterStateReader {
  private cached: { at: number; state: Promise<ClusterState> } | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** The state, read now or up to STATE_TTL_MS ago; rejects while Postgres is unreachable. */
  read(now = Date.now()): Promise<ClusterState> {
    if (this.cached && now - this.cached.at < STATE_TTL_MS) return this.cached.state;
    const state = this.query();
    this.cached = { at: now, state };
    state.catch(() => {
      if (this.cached?.state === state) this.cached = undefined;
    });
    return state;
  }

  private async query(): Promise<ClusterState> {
    // Queued/running jobs use the (status, created_at) index: a few rows however many ended.
    const [jobs, contexts, apps] = await Promise.all([
      this.dataSource.query(
        `SELECT status AS key, count(*) AS n FROM jobs WHERE status IN ('QUEUED', 'RUNNING') GROUP BY status`,
      ) as Promise<Array<{ key: string; n: string }>>,
      this.dataSource.query(
        `SELECT id, name, state FROM contexts WHERE state IN ('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`,
      ) as Promise<Array<{ id: string; name: string; state: string }>>,
      this.dataSource.query('SELECT DISTINCT app_name FROM bundles') as Promise<
        Array<{ app_name: string }>
      >,
    ]);
    const states = new Map<string, number>();
    for (const { state } of contexts) states.set(state, (states.get(state) ?? 0) + 1);
    const live = contexts.map(({ id, name }) => ({ id, name }));
    return {
      jobs: counts(jobs),
      contexts: states,
      live,
      apps: new Set(apps.map((row) => row.app_name)),
    };
  }
}
