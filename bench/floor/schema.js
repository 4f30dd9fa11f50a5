'use strict';
// The floor's Postgres table: the same indexes as jobserver's `jobs` table after all its
// migrations (libs/persistence/src/migrations: the initial ones and the job-search ones of
// 1733500000000; the partial callback index holds no row without a callback), so that each
// INSERT/UPDATE maintains the same index entries. Columns only jobserver's features read
// (owner, event_seq, progress, stages, log_lines, callback_*) are left out: nullable or
// defaulted, they cost a few bytes a row.

const JOBS_TABLE = [
  `CREATE TABLE IF NOT EXISTS jobs (
    id uuid PRIMARY KEY,
    app_name varchar(100) NOT NULL,
    bundle_sha char(64) NOT NULL,
    class_path varchar(500) NOT NULL,
    context_name varchar(200) NOT NULL,
    ad_hoc boolean NOT NULL DEFAULT false,
    status varchar(16) NOT NULL,
    config text NOT NULL,
    result text,
    error jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    start_time timestamptz,
    end_time timestamptz)`,
  `CREATE INDEX IF NOT EXISTS jobs_created_id ON jobs (created_at DESC, id)`,
  `CREATE INDEX IF NOT EXISTS jobs_status_created ON jobs (status, created_at)`,
  `CREATE INDEX IF NOT EXISTS jobs_context_status ON jobs (context_name, status)`,
  `CREATE INDEX IF NOT EXISTS jobs_app_status ON jobs (app_name, status)`,
  `CREATE INDEX IF NOT EXISTS jobs_app_created ON jobs (app_name, created_at DESC, id)`,
  `CREATE INDEX IF NOT EXISTS jobs_class_created ON jobs (class_path, created_at DESC, id)`,
  `CREATE INDEX IF NOT EXISTS jobs_context_created ON jobs (context_name, created_at DESC, id)`,
  `CREATE INDEX IF NOT EXISTS jobs_app_lower ON jobs (lower(app_name) text_pattern_ops)`,
  `CREATE INDEX IF NOT EXISTS jobs_class_lower ON jobs (lower(class_path) text_pattern_ops)`,
  `CREATE INDEX IF NOT EXISTS jobs_context_lower ON jobs (lower(context_name) text_pattern_ops)`,
];

const INSERT_JOB = `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
  VALUES ($1, $2, $3, $4, $5, $6, 'QUEUED', $7)`;

/** Optional: jobserver's extra QUEUED → RUNNING commit (floor "claim" variant). */
const CLAIM_JOB = `UPDATE jobs SET status = 'RUNNING', start_time = now()
  WHERE id = $1 AND status = 'QUEUED' RETURNING id`;

const END_JOB = `UPDATE jobs SET status = 'FINISHED', result = $2, end_time = now(),
    start_time = COALESCE(start_time, now())
  WHERE id = $1 AND status IN ('QUEUED', 'RUNNING') RETURNING id`;

/** The floor's "bundle": the trivial job, inline. */
function wordCount(config) {
  const counts = {};
  for (const word of String(config?.input?.string).split(/\s+/)) {
    if (word) counts[word] = (counts[word] ?? 0) + 1;
  }
  return counts;
}

/** JSON object, else `a.b = value` lines (enough of HOCON for the bench's body). */
function parseBody(text) {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) return JSON.parse(trimmed);
  const config = {};
  for (const line of trimmed.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`Cannot parse config: ${line}`);
    const path = line.slice(0, eq).trim().split('.');
    let node = config;
    for (const key of path.slice(0, -1)) node = node[key] ??= {};
    node[path[path.length - 1]] = line.slice(eq + 1).trim();
  }
  return config;
}

module.exports = { JOBS_TABLE, INSERT_JOB, CLAIM_JOB, END_JOB, wordCount, parseBody };
