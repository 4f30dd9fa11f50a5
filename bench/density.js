#!/usr/bin/env node
'use strict';
// Density (issue 15): `npm run bench -- --density [--quick]` runs only this item. 100 live
// contexts (20 with --quick) on one jobserver of its own: every context worker holds a Postgres
// connection, so it runs on a private Postgres cluster with max_connections = 400 (initdb of the
// machine's Postgres; see lib/private-postgres.js), falling back to DATABASE_URL when there is
// none. Measures, in one run:
//   (a) sequential sync p50/p99 in ONE context while 0, then N-1, other contexts sit idle
//       (what idle workers' heartbeats, queue polls and timers cost the busy one; goal ≤ 1.3×);
//   (b) the same round-robin over all N contexts (each job wakes another worker process);
//   (c) the CPU of an idle context worker (ms a second) and the total of all idle ones;
//   (d) the memory of the idle workers, each and together: RSS, and private memory (what each
//       further context costs the box; see lib/memory.js), 13 s after their warm-up job.
// Writes bench/results/<timestamp>-density.json.

const fs = require('node:fs');
const path = require('node:path');
const { startPrivatePostgres } = require('./lib/private-postgres');

const QUICK = process.argv.includes('--quick');
const CONTEXTS = QUICK ? 20 : 100;
const SEQ = QUICK ? 300 : 1000;
const GOAL = 1.3;

/** Connections to the cluster by application_name (or backend type). */
async function connectionsByApp(target) {
  const rows = await target.query(
    `SELECT coalesce(nullif(application_name, ''), backend_type) AS who, count(*)::int AS n FROM pg_stat_activity GROUP BY 1 ORDER BY 2 DESC`,
  );
  return Object.fromEntries(rows.map((row) => [row.who, row.n]));
}

async function main() {
  const cluster = await startPrivatePostgres({ max_connections: 400, shared_buffers: '128MB' });
  if (cluster) process.env.DATABASE_URL = cluster.url;
  else console.warn('no Postgres binaries here: using DATABASE_URL (100 workers need max_connections > 110)');
  // Its databases are made on the cluster (services reads DATABASE_URL when it makes them).
  const { startJobserver, contextPid } = require('./lib/jobserver');
  const { sequentialSync, syncJob, jobPath } = require('./lib/scenarios');
  const { machineInfo } = require('./lib/services');
  const { runLoad, closeClient } = require('./lib/http-client');
  const { cpuMs } = require('./lib/cpu');
  const { memoryOf } = require('./lib/memory');
  const { summarize, round, ratio, sleep } = require('./lib/stats');
  const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

  const results = { startedAt: new Date().toISOString(), mode: QUICK ? 'density --quick' : 'density', machine: await machineInfo(), contexts: CONTEXTS, privateCluster: Boolean(cluster) };
  const target = await startJobserver({ name: 'density', env: { JOBSERVER_MAX_CONTEXTS: String(CONTEXTS + 10), ...(process.env.DENSITY_LOG_LEVEL ? { LOG_LEVEL: process.env.DENSITY_LOG_LEVEL, LOG_FORMAT: 'json' } : {}) } });
  if (process.env.DENSITY_LOG_LEVEL) target.keepLogs = true;
  try {
    const busy = 'dense-0';
    await target.createContext(busy);
    await sequentialSync(target, busy, 200);
    log(`(a) one context alone: ${SEQ} sequential sync jobs`);
    const alone = summarize((await sequentialSync(target, busy, SEQ)).latencies);
    const names = [busy];
    const pids = [];
    const started = Date.now();
    for (let i = 1; i < CONTEXTS; i += 5) {
      const batch = [];
      for (let j = i; j < Math.min(i + 5, CONTEXTS); j++) batch.push(`dense-${j}`);
      await Promise.all(batch.map((name) => target.createContext(name)));
      for (const name of batch) pids.push(await contextPid(target, name));
      names.push(...batch);
    }
    log(`${CONTEXTS} live contexts (${CONTEXTS - 1} created in ${round((Date.now() - started) / 1000, 1)} s); a warm-up job in each`);
    for (const name of names) await syncJob(target, jobPath(name, true));
    await sleep(3000);
    const before = pids.map(cpuMs);
    await sleep(10_000);
    const idleMs = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - before[i], 0) / 10;
    log(`(c) idle workers: ${round(idleMs, 1)} CPU ms a second together, ${round(idleMs / pids.length, 2)} each`);
    const memory = pids.map(memoryOf);
    const total = (key) => round(memory.reduce((sum, m) => sum + m[key], 0), 0);
    const idleMemory = { workers: pids.length, rssMiB: summarize(memory.map((m) => m.rssMiB)), privateMiB: summarize(memory.map((m) => m.privateMiB)), totalRssMiB: total('rssMiB'), totalPrivateMiB: total('privateMiB') };
    log(`(d) idle workers' memory: RSS p50 ${idleMemory.rssMiB.p50} MiB, private p50 ${idleMemory.privateMiB.p50} MiB; together ${idleMemory.totalPrivateMiB} MiB private`);

    await sequentialSync(target, busy, 100);
    log(`(a) one context with ${CONTEXTS - 1} idle ones: ${SEQ} sequential sync jobs`);
    const crowded = summarize((await sequentialSync(target, busy, SEQ)).latencies);
    log(`(b) round-robin over all ${CONTEXTS}`);
    const slowest = [];
    let connections;
    const load = await runLoad({
      label: `sync over ${CONTEXTS} contexts`,
      total: Math.max(SEQ, 10 * CONTEXTS),
      inFlight: 1,
      call: async (i) => {
        const t0 = Date.now();
        const jobId = await syncJob(target, jobPath(names[i % names.length], true));
        slowest.push({ i, context: names[i % names.length], ms: Date.now() - t0, sent: t0, jobId });
        if (i === Math.floor(CONTEXTS * 2.5)) connections = await connectionsByApp(target);
      },
    });
    if (load.failed) throw new Error(`round-robin: ${load.failed} failed: ${load.errors.join('; ')}`);
    const roundRobin = { ...summarize(load.latencies), slowest: slowest.sort((a, b) => b.ms - a.ms).slice(0, 10) };
    // Where the slowest jobs waited: the row's INSERT, claim and end times against the POST's.
    const rows = await target.query(
      `SELECT id, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM start_time) * 1000 AS started,
         extract(epoch FROM end_time) * 1000 AS ended FROM jobs WHERE id = ANY($1::uuid[])`,
      [roundRobin.slowest.map((job) => job.jobId)],
    );
    for (const job of roundRobin.slowest) {
      const row = rows.find((r) => r.id === job.jobId);
      if (row) Object.assign(job, { toInsert: Math.round(row.created - job.sent), insertToClaim: Math.round(row.started - row.created), claimToEnd: Math.round(row.ended - row.started) });
      delete job.sent;
      delete job.jobId;
    }
    log(`(b) slowest: ${JSON.stringify(roundRobin.slowest)}`);
    log(`(b) Postgres connections by application, mid-way: ${JSON.stringify(connections)}`);
    results.connections = connections;
    Object.assign(results, {
      alone,
      withIdle: crowded,
      roundRobin,
      growth: ratio(crowded.p50, alone.p50),
      roundRobinGrowth: ratio(roundRobin.p50, alone.p50),
      idleWorkerCpu: { workers: pids.length, totalMsPerSecond: round(idleMs, 1), eachMsPerSecond: round(idleMs / pids.length, 2) },
      idleMemory,
    });
  } finally {
    await target.close();
    closeClient();
    cluster?.stop();
  }
  results.finishedAt = new Date().toISOString();
  const file = path.join(__dirname, 'results', `${results.startedAt.replace(/[:.]/g, '-')}-density.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const r = results;
  const mark = r.growth <= GOAL ? '✓' : '✗';
  console.log(`\n## density (${r.mode}, ${r.finishedAt})\n`);
  console.log('| measure | p50 | p99 | / alone at p50 |\n| --- | ---: | ---: | ---: |');
  console.log(`| sequential sync, one context alone | ${r.alone.p50} ms | ${r.alone.p99} ms | |`);
  console.log(`| the same context, ${r.contexts - 1} others idle | ${r.withIdle.p50} ms | ${r.withIdle.p99} ms | ${r.growth}× (goal ≤ ${GOAL}×) ${mark} |`);
  console.log(`| round-robin over all ${r.contexts} | ${r.roundRobin.p50} ms | ${r.roundRobin.p99} ms | ${r.roundRobinGrowth}× |`);
  console.log(`\nIdle context workers: ${r.idleWorkerCpu.eachMsPerSecond} CPU ms a second each, ${r.idleWorkerCpu.totalMsPerSecond} for all ${r.idleWorkerCpu.workers}.`);
  const m = r.idleMemory;
  console.log(`Their memory: RSS p50 ${m.rssMiB.p50} MiB (max ${m.rssMiB.max}), private p50 ${m.privateMiB.p50} MiB (max ${m.privateMiB.max}); ${m.totalPrivateMiB} MiB private for all ${m.workers} (RSS summed: ${m.totalRssMiB} MiB, the node binary's shared pages counted each time).`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(`BENCH FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
