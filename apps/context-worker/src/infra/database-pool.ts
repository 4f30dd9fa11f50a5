/**
 * Postgres connections a context worker opens at most (idle ones close after 10 s): two for the
 * group-committed job ends (a batch is written while the next gathers; with one, a busy context
 * whose commits waited 20–90 ms on the disk's WAL sync ran ~220 jobs/s), one for the rest. With
 * 100 contexts on a box that is up to 300 connections (4 a worker exhausted max_connections = 400
 * under 100 busy contexts: `--density` of npm run bench).
 */
export const WORKER_DATABASE_POOL_SIZE = 3;

/** Lanes of the worker's group-committed job ends. */
export const WORKER_END_LANES = 2;
