import type { DataSource } from 'typeorm';

/** What a request with an idempotency key claims: its scope and key, whose it is, itself, and what it acts on. */
export interface IdempotencyClaim {
  scope: 'jobs' | 'contexts';
  /** The principal; '' while auth is off. */
  owner: string;
  key: string;
  /** sha256 hex of the request. */
  fingerprint: string;
  /** What the request acts on: the job id it records, the context name it creates. */
  target: string;
  /** `idempotency-window`: an older use of the key no longer counts. */
  windowMs: number;
}

/** The request a key was first used by, when a later one finds it taken. */
export interface IdempotencyRecord {
  fingerprint: string;
  target: string;
  /** The first request completed ({@link IdempotencyRepository.complete}). */
  done: boolean;
}

/**
 * Idempotency keys in Postgres (one row per scope, owner and key): the primary key decides, for
 * any number of gateways, which request was first.
 */
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request: null when it is now this request's (new, or its last use
   * older than the window), else the request that holds it.
   */
  async claim(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    for (;;) {
      const taken: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (scope, owner, key, fingerprint, target) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, owner, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, target = EXCLUDED.target, created_at = now()
           WHERE idempotency_keys.created_at < now() - make_interval(secs => $6::float8 / 1000)
         RETURNING target`,
        [claim.scope, claim.owner, claim.key, claim.fingerprint, claim.target, claim.windowMs],
      );
      if (taken.length > 0) return null;
      const held: IdempotencyRecord[] = await this.dataSource.query(
        `SELECT fingerprint, target, done FROM idempotency_keys WHERE scope = $1 AND owner = $2 AND key = $3`,
        [claim.scope, claim.owner, claim.key],
      );
      // Released between the two statements (its request failed): try again to take it.
      if (held[0]) return held[0];
    }
  }

  /** The key's use, as {@link claim} would find it, or null when it is free. */
  async read(claim: Pick<IdempotencyClaim, 'scope' | 'owner' | 'key'>): Promise<IdempotencyRecord | null> {
    const rows: IdempotencyRecord[] = await this.dataSource.query(
      `SELECT fingerprint, target, done FROM idempotency_keys WHERE scope = $1 AND owner = $2 AND key = $3`,
      [claim.scope, claim.owner, claim.key],
    );
    return rows[0] ?? null;
  }

  /** Marks the key's first request completed. */
  async complete(claim: Pick<IdempotencyClaim, 'scope' | 'owner' | 'key' | 'target'>): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET done = true WHERE scope = $1 AND owner = $2 AND key = $3 AND target = $4`,
      [claim.scope, claim.owner, claim.key, claim.target],
    );
  }

  /** Frees a key whose request did nothing (it was refused): the next request with it acts. */
  async release(claim: Pick<IdempotencyClaim, 'scope' | 'owner' | 'key' | 'target'>): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND owner = $2 AND key = $3 AND target = $4`,
      [claim.scope, claim.owner, claim.key, claim.target],
    );
  }

  /** Deletes uses of keys older than the window (retention), at most `batch` rows; returns how many. */
  async deleteExpired(windowMs: number, batch = 1000): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1::float8 / 1000) LIMIT $2)`,
      [windowMs, batch],
    )) as [unknown, number];
    return count;
  }
}
