#!/usr/bin/env node
'use strict';
// `GET /metrics` with 100 live contexts and 1M jobs in the table (issue 12). Goal: p50 ≤ 50 ms.
//   node bench/metrics.js [--jobs 1000000] [--contexts 100] [--n 30]
//     starts its own gateway + scheduler (bench/lib/jobserver.js; `npm run build` first), fills
//     its database with job rows by generate_series (ended, plus a few queued/running) and live
//     context rows whose heartbeat and memory keys it writes itself (no worker processes), then
//     times sequential scrapes: each one right after the 2 s gauge cache expired (a Postgres
//     read) and cached ones in between. Every answer is checked (200, the live contexts' gauge).

const Redis = require('ioredis');
const { request } = require('./lib/http-client');
const { startJobserver } = require('./lib/jobserver');
const { now, summarize, sleep } = require('./lib/stats');
const { REDIS_URL } = require('./lib/services');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const JOBS = option('--jobs', 1_000_000);
const CONTEXTS = option('--contexts', 100);
const N = option('--n', 30);

async function fill(target) {
  const started = now();
  await target.query(
    `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time, event_seq)
     SELECT gen_random_uuid(), 'app' || (i % 10), repeat('a', 64), 'Job', 'ctx' || (i % $2::int),
            CASE WHEN i % 100000 = 0 THEN 'QUEUED' WHEN i % 100000 = 1 THEN 'RUNNING'
                 WHEN i % 10 = 0 THEN 'ERROR' ELSE 'FINISHED' END,
            '{}', now() - interval '1 second' * i, now() - interval '1 second' * i, now() - interval '1 second' * i + interval '5 ms', 3
       FROM generate_series(1, $1::int) AS i`,
    [JOBS, CONTEXTS],
  );
  const contexts = await target.query(
    `INSERT INTO contexts (name, state, worker) SELECT 'ctx' || i, 'RUNNING', 'bench'
       FROM generate_series(0, $1::int - 1) AS i RETURNING id, name`,
    [CONTEXTS],
  );
  await target.query('ANALYZE jobs');
  return { contexts, ms: now() - started };
}

/** Heartbeats (so the supervisor leaves the rows alone) and memory values of the fake contexts. */
async function beat(redis, prefix, contexts) {
  const pipeline = redis.pipeline();
  for (const { id, name } of contexts) {
    pipeline.set(`${prefix}:heartbeat:${name}`, id, 'PX', 600_000);
    pipeline.set(`${prefix}:memory:${name}`, JSON.stringify({ contextId: id, rss: 1e8, heap: 1e7 }), 'PX', 600_000);
  }
  await pipeline.exec();
}

async function scrape(url, contexts) {
  const t = now();
  const res = await request(url, 'GET', '/metrics');
  const ms = now() - t;
  const live = /^jobserver_contexts\{state="RUNNING"\} (\d+)$/m.exec(res.text)?.[1];
  if (res.status !== 200 || Number(live) !== contexts) throw new Error(`bad scrape: HTTP ${res.status}, RUNNING ${live}`);
  return ms;
}

async function main() {
  const target = await startJobserver({ name: 'jobserver' });
  const redis = new Redis(REDIS_URL);
  try {
    const { contexts, ms } = await fill(target);
    await beat(redis, target.prefix, contexts);
    console.log(`filled ${JOBS} jobs and ${CONTEXTS} live contexts in ${(ms / 1000).toFixed(1)} s`);
    const cold = [];
    const warm = [];
    for (let i = 0; i < N; i += 1) {
      await sleep(2100); // past the gauge cache: this scrape reads Postgres
      cold.push(await scrape(target.url, CONTEXTS));
      warm.push(await scrape(target.url, CONTEXTS));
      if (i === Math.floor(N / 2)) await beat(redis, target.prefix, contexts);
    }
    for (const [label, values] of [['uncached (Postgres read)', cold], ['cached gauges', warm]]) {
      const s = summarize(values);
      console.log(`  ${label.padEnd(26)} p50 ${s.p50} ms  p90 ${s.p90}  p99 ${s.p99}  max ${s.max}  (${values.length} scrapes)`);
    }
  } finally {
    redis.disconnect();
    await target.stopProcesses();
    await target.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
