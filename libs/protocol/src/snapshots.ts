/**
 * How long a context worker waits for its executor thread to serialize a snapshot: a job holding
 * the thread delays it, and serializing takes ~0.1–0.5 s per 50 MB. Past it the answer is busy (503).
 */
export const SNAPSHOT_EXECUTOR_WAIT_MS = 20_000;

/** A named object a snapshot left out, and why (a function, a class instance, over the cap…). */
export interface SnapshotSkip {
  name: string;
  reason: string;
}

/** A stored snapshot as the REST answers show it (`POST`/`GET /contexts/<name>/snapshots`). */
export interface SnapshotSummary {
  id: string;
  /** The name of the context it was taken of. */
  context: string;
  /** ISO-8601. */
  createdAt: string;
  /** Names of the objects it holds. */
  objects: string[];
  skipped: SnapshotSkip[];
  /** Bytes of the objects' `v8.serialize` output. */
  bytes: number;
}

/**
 * Event channel: a context worker's answer to a `snapshot` control message: the stored snapshot,
 * or why none was stored (`refusal`: 413 over `snapshot-max-bytes`, 503 Postgres failed), or
 * neither when the executor thread did not answer (busy).
 */
export interface SnapshotEvent {
  kind: 'snapshot';
  context: string;
  requestId: string;
  snapshot?: SnapshotSummary;
  refusal?: { status: 413 | 503; message: string };
}
