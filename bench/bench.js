#!/usr/bin/env node
'use strict';
// `npm run bench [-- --quick]`: jobserver against its design's floor, in one run (issue #5).
// Starts its own jobserver and the floor harness (bench/floor), runs items 1–6 on both,
// prints a Markdown table and writes bench/results/<timestamp>.json. Exits 1 on any wrong
// answer or lost job.

const fs = require('node:fs');
const path = require('node:path');
const { startJobserver, contextPid } = require('./lib/jobserver');
const { startFloor, floorStages } = require('./lib/floor');
const sc = require('./lib/scenarios');
const { dbStageProfile, STATEMENTS_PER_JOB } = require('./lib/profile');
const { ratios, table, profileTable, cpuTable, peersTable } = require('./lib/report');
const { peersItem } = require('./lib/peers');
const { machineInfo } = require('./lib/services');
const { closeClient } = require('./lib/http-client');
const { CpuMeter } = require('./lib/cpu');
const { authItem } = require('./lib/auth-item');
const { eventsItem, eventsTable } = require('./lib/events-item');
const { now, summarize, round } = require('./lib/stats');

const os = require('node:os');

const QUICK = process.argv.includes('--quick');
/** --auth: only the auth item (sequential sync with auth on against auth off), no floor. */
const AUTH = process.argv.includes('--auth');
/** --events: only the job events items (progress → SSE delay, async throughput with 200 SSE clients). */
const EVENTS = process.argv.includes('--events');
/** With --cpu-profile, jobserver's processes write CPU profiles of items 1–3 to this folder. */
const PROFILE_DIR = process.argv.includes('--cpu-profile')
  ? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profiles-'))
  : undefined;
const SIZES = QUICK
  ? {
      warmup: 100,
      seq: 300,
      rounds: 1,
      conc: 1000,
      inFlight: 64,
      async: 2000,
      batches: 2,
      adHoc: 5,
      creations: 2,
      levels: [1, 10],
      perLevel: 100,
      claimSeq: 150,
      peerJobs: 2000,
      peerBatchJobs: 5000,
      peerSeq: 100,
      embeddedAsync: 400,
      embeddedSync: 200,
    }
  : {
      warmup: 300,
      seq: 2000,
      rounds: 4,
      conc: 6000,
      inFlight: 64,
      async: 20000,
      batches: 10,
      adHoc: 20,
      creations: 3,
      levels: [1, 10, 50],
      perLevel: 300,
      claimSeq: 1000,
      peerJobs: 20000,
      peerBatchJobs: 10000,
      peerSeq: 500,
      embeddedAsync: 2000,
      embeddedSync: 1000,
    };
const CONTEXT = 'bench';
/** Item 4's second round: ad-hoc jobs this far apart (a spare worker boots in under a second). */
const AD_HOC_GAP_MS = 1500;
const started = now();
const log = (msg) => console.log(`[${((now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

const results = {
  startedAt: new Date().toISOString(),
  mode: `${QUICK ? 'quick' : 'full'}${AUTH ? ' --auth' : ''}${EVENTS ? ' --events' : ''}`,
  sizes: SIZES,
  statementsPerJob: STATEMENTS_PER_JOB,
  jobserver: {},
  floor: {},
  profile: {},
  cpu: { seqSync: {}, concSync: {}, async: {} },
};
const targets = {};

/** Item 1: alternating rounds, so that drift of the shared machine hits both alike. */
async function item1(order) {
  const entries = { jobserver: [], floor: [] };
  const latencies = { jobserver: [], floor: [] };
  const cpu = { jobserver: new CpuMeter(), floor: new CpuMeter() };
  await floorStages(targets.floor);
  for (let round = 0; round < SIZES.rounds; round++) {
    for (const t of order) {
      await t.truncateJobs();
      await cpu[t.name].start(t);
      const { latencies: l, trace } = await sc.sequentialSync(t, CONTEXT, SIZES.seq / SIZES.rounds);
      await cpu[t.name].stop(t, l.length);
      latencies[t.name].push(...l);
      const times = await t.jobTimes(trace.map((e) => e.id));
      entries[t.name].push(...trace.map((e) => ({ ...e, t: times.get(e.id) })));
    }
  }
  results.profile.floorHops = await floorStages(targets.floor);
  for (const t of order) {
    results[t.name].seqSync = summarize(latencies[t.name]);
    results.profile[t.name] = dbStageProfile(entries[t.name], t.name === 'jobserver');
    results.cpu.seqSync[t.name] = cpu[t.name].perJob();
    log(
      `1. ${t.name}: sequential sync p50 ${results[t.name].seqSync.p50} ms, p99 ${results[t.name].seqSync.p99} ms`,
    );
  }
  // The floor with jobserver's extra commit (QUEUED → RUNNING claim), to price that commit.
  const { latencies: l, trace } = await sc.sequentialSync(
    targets.floor,
    CONTEXT,
    SIZES.claimSeq,
    '&claim=1',
  );
  const times = await targets.floor.jobTimes(trace.map((e) => e.id));
  results.floorClaimVariant = { seqSync: summarize(l) };
  results.profile.floorClaim = dbStageProfile(
    trace.map((e) => ({ ...e, t: times.get(e.id) })),
    true,
  );
  results.profile.floorClaimHops = await floorStages(targets.floor);
  log(`1. floor + claim UPDATE: sequential sync p50 ${results.floorClaimVariant.seqSync.p50} ms`);
}

async function item2(order) {
  const acc = { jobserver: { l: [], ms: 0, n: 0 }, floor: { l: [], ms: 0, n: 0 } };
  const cpu = { jobserver: new CpuMeter(), floor: new CpuMeter() };
  for (let round = 0; round < SIZES.rounds; round++) {
    for (const t of order) {
      await t.truncateJobs();
      await cpu[t.name].start(t);
      const r = await sc.concurrentSync(t, CONTEXT, SIZES.conc / SIZES.rounds, SIZES.inFlight);
      await cpu[t.name].stop(t, r.n);
      acc[t.name].l.push(...r.latencies);
      acc[t.name].ms += r.elapsedMs;
      acc[t.name].n += r.n;
    }
  }
  for (const t of order) {
    const { l, ms, n } = acc[t.name];
    const s = summarize(l);
    results[t.name].concSync = {
      inFlight: SIZES.inFlight,
      n,
      rps: round((n / ms) * 1000, 0),
      p50: s.p50,
      p90: s.p90,
      p99: s.p99,
      max: s.max,
    };
    results.cpu.concSync[t.name] = cpu[t.name].perJob();
    log(
      `2. ${t.name}: ${results[t.name].concSync.rps} req/s at ${SIZES.inFlight} in flight, p50 ${s.p50} ms, p99 ${s.p99} ms`,
    );
  }
}

/** Makes jobserver's processes write the CPU profile of the phase that just ended. */
async function profileMark(label) {
  if (!PROFILE_DIR) return;
  fs.writeFileSync(path.join(PROFILE_DIR, 'label'), label);
  for (const pid of Object.values(targets.jobserver.pids)) process.kill(pid, 'SIGWINCH');
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

async function run() {
  results.machine = await machineInfo();
  log(
    `machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, node ${results.machine.node}; mode ${results.mode}`,
  );
  if (AUTH) {
    results.auth = await authItem(targets, SIZES, CONTEXT, log);
    return;
  }
  if (EVENTS) {
    results.events = await eventsItem(targets, QUICK, log);
    return;
  }
  log('starting the floor harness');
  targets.floor = await startFloor();
  log('starting jobserver (gateway + scheduler)');
  targets.jobserver = await startJobserver({ profileDir: PROFILE_DIR });
  const order = [targets.floor, targets.jobserver];
  for (const t of order) {
    const { ms, body } = await t.createContext(CONTEXT, `max-jobs-per-context=${SIZES.inFlight}`);
    t.pids['context worker'] = t.name === 'floor' ? body.pid : await contextPid(t, CONTEXT);
    log(`${t.name}: context ${CONTEXT} created in ${round(ms, 0)} ms; warming up`);
    await sc.sequentialSync(t, CONTEXT, SIZES.warmup);
    await sc.concurrentSync(t, CONTEXT, SIZES.warmup * 3, SIZES.inFlight);
  }
  await profileMark('0-warmup');
  log(`1. sequential sync, ${SIZES.seq} requests each (${SIZES.rounds} alternating round(s))`);
  await item1(order);
  await profileMark('1-sequential');
  log(`2. sync at ${SIZES.inFlight} in flight, ${SIZES.conc} requests each`);
  await item2(order);
  await profileMark('2-sync64');
  log(`3. async throughput, ${SIZES.async} jobs at ${SIZES.inFlight} in flight`);
  for (const t of order) {
    const cpu = new CpuMeter();
    await t.truncateJobs();
    await cpu.start(t);
    results[t.name].async = await sc.asyncThroughput(t, CONTEXT, SIZES.async, SIZES.inFlight);
    await cpu.stop(t, SIZES.async);
    results.cpu.async[t.name] = cpu.perJob();
    if (t.name === 'jobserver') await profileMark('3-async');
    log(
      `3. ${t.name}: ${results[t.name].async.jobsPerSec} jobs/s (POSTs took ${round(results[t.name].async.postsMs, 0)} ms)`,
    );
  }
  log(`7. batch submit, ${SIZES.batches} × POST /jobs/batch of 1000 (jobserver only)`);
  await targets.jobserver.truncateJobs();
  results.jobserver.batch = await sc.batchThroughput(
    targets.jobserver,
    CONTEXT,
    SIZES.batches,
    1000,
  );
  log(
    `7. jobserver: ${results.jobserver.batch.jobsPerSec} jobs/s, a POST of 1000 p50 ${results.jobserver.batch.postP50} ms`,
  );
  log(`5. context creation and idle worker RSS, ${SIZES.creations} contexts each`);
  const pidOf = {
    floor: async (_name, body) => body.pid,
    jobserver: (name) => contextPid(targets.jobserver, name),
  };
  for (const t of order)
    results[t.name].contexts = await sc.contextCreation(t, SIZES.creations, pidOf[t.name]);
  log(`4. ad-hoc jobs, ${SIZES.adHoc} each`);
  for (const t of order) {
    results[t.name].adHoc = await sc.adHocJobs(t, SIZES.adHoc);
    log(
      `4. ${t.name}: ad-hoc p50 ${results[t.name].adHoc.p50} ms, p99 ${results[t.name].adHoc.p99} ms`,
    );
    // Spaced out, a spare is booted again before the next job comes (back to back, they outrun it).
    results[t.name].adHocSpaced = await sc.adHocJobs(t, Math.ceil(SIZES.adHoc / 2), AD_HOC_GAP_MS);
    log(`4. ${t.name}: ad-hoc ${AD_HOC_GAP_MS} ms apart p50 ${results[t.name].adHocSpaced.p50} ms`);
  }
  log(
    `6. sync p50 with ${SIZES.levels.join(', ')} live contexts, ${SIZES.perLevel} requests per level`,
  );
  for (const t of order) {
    const scaling = await sc.contextScaling(t, SIZES.levels, SIZES.perLevel, pidOf[t.name]);
    results[t.name].scaling = { levels: scaling.levels, idleWorkerCpu: scaling.idleWorkerCpu };
    log(`6. ${t.name}: idle context workers ${JSON.stringify(scaling.idleWorkerCpu)}`);
    for (const l of scaling.levels)
      log(`6. ${t.name}: ${l.contexts} contexts: p50 ${l.p50} ms, p99 ${l.p99} ms`);
    for (const name of scaling.names) await t.deleteContext(name).catch(() => undefined);
  }
  log('8. the peers: pg-boss and graphile-worker, same job, same Postgres, results stored');
  results.peers = await peersItem(SIZES, log);
  log(`9. embedded Postgres (npm start without DATABASE_URL): ${SIZES.embeddedAsync} async at ${SIZES.inFlight} in flight, ${SIZES.embeddedSync} sync at 32`);
  results.embedded = await embeddedItem();
}

/** Item 9: the same jobserver on `npm start`'s embedded Postgres (PGlite), against item 3 on the real one. */
async function embeddedItem() {
  const t = await startJobserver({ name: 'embedded', embedded: true });
  targets.embedded = t;
  try {
    await t.createContext(CONTEXT, `max-jobs-per-context=${SIZES.inFlight}`);
    await sc.sequentialSync(t, CONTEXT, 50);
    await t.truncateJobs();
    const async = await sc.asyncThroughput(t, CONTEXT, SIZES.embeddedAsync, SIZES.inFlight);
    const r = await sc.concurrentSync(t, CONTEXT, SIZES.embeddedSync, 32);
    const s = summarize(r.latencies);
    const out = {
      async,
      sync32: { n: r.n, rps: round((r.n / r.elapsedMs) * 1000, 0), p50: s.p50, p99: s.p99 },
      asyncRatioToRealPostgres: results.jobserver.async ? round(async.jobsPerSec / results.jobserver.async.jobsPerSec, 2) : null,
    };
    log(`9. embedded: async ${async.jobsPerSec} jobs/s (${out.asyncRatioToRealPostgres}× of item 3 on Postgres; goal ≥ 0.4), sync ×32 p50 ${s.p50} ms, ${out.sync32.rps} req/s`);
    return out;
  } finally {
    delete targets.embedded;
    await t.close();
  }
}

function finish(failure) {
  if (!AUTH && !EVENTS) Object.assign(results, ratios(results.jobserver, results.floor));
  results.finishedAt = new Date().toISOString();
  results.durationSec = round((now() - started) / 1000, 1);
  if (failure) results.failure = failure.message;
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine ?? {};
  const title = AUTH
    ? 'jobserver, auth on vs off'
    : EVENTS
      ? 'jobserver, job events'
      : 'jobserver vs floor';
  console.log(`\n## ${title} (${results.mode} run, ${results.finishedAt})\n`);
  console.log(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, Postgres ${m.postgres}, Redis ${m.redis}; load average at start ${m.loadAverageAtStart?.join(' ')}\n`,
  );
  if (results.auth) {
    const { off, on, p50Ratio } = results.auth;
    console.log('| sequential sync | p50 ms | p99 ms |\n|---|---|---|');
    console.log(
      `| auth off | ${off.p50} | ${off.p99} |\n| auth on (Basic, cached) | ${on.p50} | ${on.p99} |`,
    );
    console.log(`\nauth on / off at p50: ${p50Ratio} (goal ≤ 1.03)`);
  } else if (results.events) console.log(eventsTable(results.events));
  else if (!EVENTS) console.log(table(results));
  console.log(
    `\nPostgres statements per warm sync job: jobserver ${STATEMENTS_PER_JOB.jobserver.writes} writes + ${STATEMENTS_PER_JOB.jobserver.reads} reads; floor ${STATEMENTS_PER_JOB.floor.writes} writes + ${STATEMENTS_PER_JOB.floor.reads} reads.`,
  );
  if (results.floorClaimVariant)
    console.log(
      `Floor with jobserver's extra claim UPDATE: sequential sync p50 ${results.floorClaimVariant.seqSync.p50} ms.`,
    );
  if (results.peers) console.log(`\n### jobserver and its peers (item 8; jobserver's figures from items 1, 3 and 7)\n\n${peersTable(results.jobserver, results.peers)}`);
  if (results.embedded) {
    const e = results.embedded;
    const met = e.asyncRatioToRealPostgres === null ? '' : e.asyncRatioToRealPostgres >= 0.4 ? ' ✓' : ' ✗';
    console.log(
      `\n### npm start's embedded Postgres (item 9)\n\n| measure | embedded (PGlite) | real Postgres | embedded / real |\n|---|---:|---:|---:|\n| async at ${SIZES.inFlight} in flight, jobs/s (goal ≥ 0.4×) | ${e.async.jobsPerSec} | ${results.jobserver.async?.jobsPerSec ?? '–'} | ${e.asyncRatioToRealPostgres ?? '–'}×${met} |\n| sync at 32 in flight: p50 / p99, req/s | ${e.sync32.p50} ms / ${e.sync32.p99} ms, ${e.sync32.rps} | – | |`,
    );
  }
  if (results.profile.jobserver) console.log(`\n${profileTable(results.profile)}`);
  if (results.cpu.seqSync.jobserver) console.log(`\n${cpuTable(results.cpu)}`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)} (${results.durationSec} s)`);
  if (PROFILE_DIR)
    console.log(`CPU profiles: ${PROFILE_DIR} (summarize: node bench/profile-summary.js <file>)`);
  if (failure) {
    const detail = failure instanceof sc.BenchFailure ? '' : `\n${failure.stack}`;
    console.error(
      `\n${'!'.repeat(72)}\nBENCH FAILED: ${failure.message}${detail}\n${'!'.repeat(72)}`,
    );
  }
}

async function shutdown() {
  for (const t of Object.values(targets)) await t.close();
  closeClient();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`\n${signal}: stopping and cleaning up`);
    void shutdown().finally(() => process.exit(130));
  });
}

/** --soak: only the soak item (bench/soak.js: 200,000 async jobs over ~10 min; --quick 20,000 over ~1 min). */
if (process.argv.includes('--soak')) require('./soak');
/** --density: only the density item (bench/density.js: 100 live contexts on a private Postgres). */
else if (process.argv.includes('--density')) require('./density');
else
  run()
    .then(
      () => undefined,
      (error) => error,
    )
    .then(async (failure) => {
      if (failure && targets.jobserver) targets.jobserver.keepLogs = true;
      await shutdown();
      finish(failure);
      process.exit(failure ? 1 : 0);
    });
