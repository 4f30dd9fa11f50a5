/**
 * Postgres connections a context worker opens at most (idle ones close after 10 s): one for the
 * group-committed job ends, one for the rest. With 100 contexts on a box that is 200 connections
 * (4 a worker hit Postgres' max_connections under 100 busy contexts: `--density` of npm run bench).
 */
export const WORKER_DATABASE_POOL_SIZE = 2;
