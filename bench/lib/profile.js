'use strict';
// Where a sequential sync job's time goes, measured the same way for both systems: the
// client's send/receive times and the Postgres timestamps of the job's statements
// (created_at = INSERT start, start_time = claim start, end_time = final UPDATE start).

const { summarize } = require('./stats');

/**
 * Stage summaries from traced jobs ([{sent, received, t: {created, started, ended}}]).
 * `claimed` says whether start_time comes from a separate claim UPDATE.
 */
function dbStageProfile(entries, claimed) {
  const stages = {
    'client → INSERT starts': [],
    'INSERT → end UPDATE starts': [],
    'end UPDATE → client has answer': [],
    total: [],
  };
  if (claimed) {
    stages['  of which INSERT → claim UPDATE starts'] = [];
    stages['  of which claim → end UPDATE starts'] = [];
  }
  for (const { sent, received, t } of entries) {
    if (!t) continue;
    stages['client → INSERT starts'].push(t.created - sent);
    stages['INSERT → end UPDATE starts'].push(t.ended - t.created);
    stages['end UPDATE → client has answer'].push(received - t.ended);
    stages.total.push(received - sent);
    if (claimed) {
      stages['  of which INSERT → claim UPDATE starts'].push(t.started - t.created);
      stages['  of which claim → end UPDATE starts'].push(t.ended - t.started);
    }
  }
  return Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarize(v)]));
}

/** Postgres statements per warm sync job (read from the code; see bench/README.md). */
const STATEMENTS_PER_JOB = {
  jobserver: {
    writes: 2,
    reads: 0,
    detail:
      'gateway: INSERT job … SELECT latest bundle WHERE context live (one statement); ' +
      'worker: claim in Redis (SET NX), UPDATE end with result (+ UPDATE RUNNING for jobs still running after 50 ms)',
  },
  floor: { writes: 2, reads: 0, detail: 'front: INSERT job; worker: UPDATE end with result' },
};

module.exports = { dbStageProfile, STATEMENTS_PER_JOB };
