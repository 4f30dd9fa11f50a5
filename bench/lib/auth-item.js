'use strict';
// `npm run bench -- --auth`: the warm path with auth on against auth off, in one run (issue 9).
// Two jobservers of the bench's own, one with `auth.enabled = true` and a user whose Basic
// credentials go with every request (cached by the gateway after the first scrypt check), one
// with auth off; alternating rounds of sequential sync jobs, so that drift hits both alike.

const { randomBytes, scryptSync } = require('node:crypto');
const { startJobserver } = require('./jobserver');
const sc = require('./scenarios');
const { summarize, round } = require('./stats');

const USER = 'bench';
const PASSWORD = randomBytes(12).toString('hex');

function authEnv() {
  const salt = randomBytes(16);
  const hash = `scrypt:${salt.toString('hex')}:${scryptSync(PASSWORD, salt, 64).toString('hex')}`;
  const users = { [USER]: { 'password-hash': hash, permissions: ['*'] } };
  return { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) };
}

/** Runs the comparison; returns `{ off, on, p50Ratio }` (latency summaries in ms). */
async function authItem(targets, sizes, context, log) {
  log('starting jobserver with auth off and jobserver with auth on');
  targets.jobserver = await startJobserver();
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  targets.auth = await startJobserver({ name: 'jobserver+auth', env: authEnv(), headers: { authorization: basic } });
  const order = [targets.jobserver, targets.auth];
  for (const t of order) {
    await t.createContext(context, `max-jobs-per-context=${sizes.inFlight}`);
    await sc.sequentialSync(t, context, sizes.warmup);
  }
  const latencies = { jobserver: [], 'jobserver+auth': [] };
  for (let r = 0; r < sizes.rounds * 2; r++) {
    for (const t of r % 2 ? [...order].reverse() : order) {
      await t.truncateJobs();
      const { latencies: l } = await sc.sequentialSync(t, context, sizes.seq / sizes.rounds / 2);
      latencies[t.name].push(...l);
    }
  }
  const off = summarize(latencies.jobserver);
  const on = summarize(latencies['jobserver+auth']);
  const p50Ratio = round(on.p50 / off.p50, 3);
  log(`auth off: p50 ${off.p50} ms, p99 ${off.p99} ms; auth on: p50 ${on.p50} ms, p99 ${on.p99} ms`);
  log(`auth on / off at p50: ${p50Ratio} (goal ≤ 1.03) ${p50Ratio <= 1.03 ? '✓' : '✗'}`);
  return { off, on, p50Ratio };
}

module.exports = { authItem };
