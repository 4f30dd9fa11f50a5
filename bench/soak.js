#!/usr/bin/env node
'use strict';
// Soak (issue 15): `npm run bench -- --soak [--quick]` runs only this item. One jobserver of its
// own, one warm context; async WordCount jobs at a steady pace (200,000 over ~10 min; 20,000 over
// ~1 min with --quick), at most 64 in flight. Every 10 s it samples the RSS of the gateway, the
// scheduler and the context worker, and Redis' memory. Goals: 0 jobs lost (every job FINISHED
// with the right result); each process' RSS after its collections (its lowest sample) in the last
// third of the soak within 10 % of the middle third's (the first third is the heaps' warm-up);
// jobserver's Redis keys back to their start
// once the jobs are done, apart from the ended jobs' claims, which expire ENDED_CLAIM_TTL_S
// (5 min) after their job's end by design and are counted separately.
// Writes bench/results/<timestamp>-soak.json.

const fs = require('node:fs');
const path = require('node:path');
const Redis = require('ioredis');
const { request, json, runLoad, closeClient } = require('./lib/http-client');
const { startJobserver, contextPid } = require('./lib/jobserver');
const { REDIS_URL, rssMiB, machineInfo } = require('./lib/services');
const { now, round, sleep } = require('./lib/stats');
const { checkPersistedResults } = require('./lib/scenarios');

const QUICK = process.argv.includes('--quick');
const TOTAL = QUICK ? 20_000 : 200_000;
const SECONDS = QUICK ? 60 : 600;
const WARMUP = QUICK ? 2_000 : 10_000;
const IN_FLIGHT = 64;
const SAMPLE_MS = 10_000;
const CONTEXT = 'soak';
const CLAIM_TTL_NOTE = '5 min after their job ends';
const JOB = `/jobs?appName=bench&classPath=spark.jobserver.WordCountExample&context=${CONTEXT}`;
const BODY = 'input.string = a b c a b see';

const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Submits `n` async jobs at `perSecond` at most (and `IN_FLIGHT` outstanding); returns their ids. */
async function submit(target, label, n, perSecond) {
  const started = now();
  const ids = new Set();
  const load = await runLoad({
    label,
    total: n,
    inFlight: IN_FLIGHT,
    call: async (i) => {
      const due = started + (i / perSecond) * 1000;
      if (now() < due) await sleep(due - now());
      const res = await request(target.url, 'POST', JOB, BODY);
      const jobId = res.status === 202 ? (json(res).jobId ?? json(res).result?.jobId) : undefined;
      if (!jobId) throw new Error(`HTTP ${res.status} ${res.text.slice(0, 200)}`);
      ids.add(jobId);
    },
  });
  if (load.failed) throw new Error(`${label}: ${load.failed} submits failed: ${load.errors.join('; ')}`);
  return { ids, elapsedMs: load.elapsedMs };
}

async function redisMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

/**
 * What jobserver keeps in Redis under its prefix: keys by kind, and the bytes of the keys other
 * than job claims (MEMORY USAGE of each) and of the claims (from a sample of 200).
 */
async function prefixMemory(redis, prefix) {
  const kinds = {};
  const claims = [];
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const kind = key.slice(prefix.length + 1).split(':')[0];
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      if (kind === 'job-claim') claims.push(key);
      else bytes += Number((await redis.memory('USAGE', key)) ?? 0);
    }
  } while (cursor !== '0');
  const sample = claims.slice(0, 200);
  const sizes = await Promise.all(sample.map((key) => redis.memory('USAGE', key)));
  const claimBytes = sample.length ? Math.round((sizes.reduce((a, b) => a + Number(b ?? 0), 0) / sample.length) * claims.length) : 0;
  return { kinds, bytes, claims: claims.length, claimBytes };
}

/** Median of the RSS samples of `name` in `samples`. */
function medianRss(samples, name) {
  const xs = samples.map((s) => s.rss[name]).filter((x) => x !== null).sort((a, b) => a - b);
  return xs.length ? xs[Math.floor(xs.length / 2)] : null;
}

async function main() {
  const redis = new Redis(REDIS_URL);
  const target = await startJobserver({ name: 'soak' });
  const results = { startedAt: new Date().toISOString(), mode: QUICK ? 'soak --quick' : 'soak', machine: await machineInfo(), total: TOTAL, seconds: SECONDS, warmup: WARMUP };
  try {
    await target.createContext(CONTEXT);
    const redisAtStart = await redisMemory(redis);
    const ownAtStart = await prefixMemory(redis, target.prefix);
    const pids = { gateway: target.gateway.pid, scheduler: target.scheduler.pid, 'context worker': await contextPid(target, CONTEXT) };
    const rss = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));
    log(`warm-up: ${WARMUP} jobs`);
    const warm = await submit(target, 'warm-up', WARMUP, TOTAL / SECONDS);
    await target.waitFor(async () => (await target.countFinished()) >= WARMUP, 120_000);
    const afterWarmup = rss();
    log(`after warm-up: RSS ${JSON.stringify(afterWarmup)} MiB, Redis ${round(redisAtStart / 2 ** 20, 1)} MiB at start`);
    const samples = [];
    const started = now();
    const sampler = setInterval(async () => {
      const sample = { s: round((now() - started) / 1000, 0), rss: rss(), redisMiB: round((await redisMemory(redis)) / 2 ** 20, 1), finished: await target.countFinished() };
      samples.push(sample);
      log(`  ${sample.s} s: ${sample.finished - WARMUP} ended, RSS ${JSON.stringify(sample.rss)} MiB, Redis ${sample.redisMiB} MiB`);
    }, SAMPLE_MS);
    let soak;
    try {
      soak = await submit(target, 'soak', TOTAL, TOTAL / SECONDS);
      const all = WARMUP + TOTAL;
      await target.waitFor(async () => (await target.countFinished()) >= all, 300_000);
    } finally {
      clearInterval(sampler);
    }
    const elapsedMs = now() - started;
    const counts = await target.statusCounts();
    const lost = WARMUP + TOTAL - (counts.FINISHED ?? 0);
    if (soak.ids.size !== TOTAL || warm.ids.size !== WARMUP) throw new Error(`duplicate job ids: ${soak.ids.size + warm.ids.size} of ${TOTAL + WARMUP}`);
    await checkPersistedResults(target, WARMUP + TOTAL);
    await sleep(5000);
    const own = await prefixMemory(redis, target.prefix);
    const redisAtEnd = await redisMemory(redis);
    // RSS of a V8 process swings with its collections (the gateway's by ~100 MiB under this load):
    // what it falls back to after them, its lowest sample, is what a leak would lift. The first
    // third of the soak still settles (a worker's heap grew to ~200 MiB in the first minute, then
    // fell to ~146 MiB for good): growth is the last third's floor against the middle third's.
    // Medians of both thirds are reported beside.
    const third = Math.max(1, Math.floor(samples.length / 3));
    const first = samples.slice(third, 2 * third);
    const last = samples.slice(-third);
    const floorOf = (part, name) => Math.min(...part.map((s) => s.rss[name] ?? Infinity));
    const growth = Object.fromEntries(Object.keys(pids).map((name) => [name, round(floorOf(last, name) / floorOf(first, name), 3)]));
    const peak = Object.fromEntries(Object.keys(pids).map((name) => [name, Math.max(...samples.map((s) => s.rss[name] ?? 0))]));
    Object.assign(results, {
      jobsPerSec: round((TOTAL / elapsedMs) * 1000, 0),
      elapsedSec: round(elapsedMs / 1000, 0),
      statuses: counts,
      lost,
      rssMiB: {
        afterWarmup,
        start: Object.fromEntries(Object.keys(pids).map((name) => [name, floorOf(first, name)])),
        end: Object.fromEntries(Object.keys(pids).map((name) => [name, floorOf(last, name)])),
        medianStart: Object.fromEntries(Object.keys(pids).map((name) => [name, medianRss(first, name)])),
        medianEnd: Object.fromEntries(Object.keys(pids).map((name) => [name, medianRss(last, name)])),
        peak,
      },
      rssGrowth: growth,
      redis: {
        usedMemoryMiB: { start: round(redisAtStart / 2 ** 20, 2), end: round(redisAtEnd / 2 ** 20, 2) },
        ownKiB: { start: round(ownAtStart.bytes / 1024, 1), end: round(own.bytes / 1024, 1) },
        claims: own.claims,
        claimsMiB: round(own.claimBytes / 2 ** 20, 2),
        keysLeft: own.kinds,
      },
      samples,
    });
  } finally {
    await target.close();
    closeClient();
    redis.disconnect();
  }
  results.finishedAt = new Date().toISOString();
  const file = path.join(__dirname, 'results', `${results.startedAt.replace(/[:.]/g, '-')}-soak.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  report(results);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  if (results.lost !== 0) {
    console.error(`BENCH FAILED: LOST JOBS: ${results.lost}`);
    process.exitCode = 1;
  }
}

function report(r) {
  const ok = (met) => (met ? '✓' : '✗');
  const growthMet = Object.values(r.rssGrowth).every((g) => g <= 1.1);
  const redisBack = r.redis.ownKiB.end <= r.redis.ownKiB.start * 1.1 + 64;
  console.log(`\n## soak (${r.mode}, ${r.finishedAt})\n`);
  console.log('| measure | value | goal |\n| --- | ---: | --- |');
  console.log(`| async jobs, paced over ~${r.seconds} s (after ${r.warmup} warm-up) | ${r.total} in ${r.elapsedSec} s (${r.jobsPerSec} jobs/s) | |`);
  console.log(`| lost (not FINISHED with the right result) | ${r.lost} | 0 ${ok(r.lost === 0)} |`);
  for (const name of Object.keys(r.rssGrowth)) {
    console.log(`| ${name} RSS after collections (lowest sample), middle → last third (medians; peak) | ${r.rssMiB.start[name]} → ${r.rssMiB.end[name]} MiB (${r.rssMiB.medianStart[name]} → ${r.rssMiB.medianEnd[name]}; ${r.rssMiB.peak[name]}), ${r.rssGrowth[name]}× | ≤ 1.1× ${ok(r.rssGrowth[name] <= 1.1)} |`);
  }
  console.log(`| jobserver's Redis keys but the claims, start → end | ${r.redis.ownKiB.start} → ${r.redis.ownKiB.end} KiB | back to start ${ok(redisBack)} |`);
  console.log(`| ended jobs' claims left (expire ${CLAIM_TTL_NOTE}) | ${r.redis.claims} keys, ${r.redis.claimsMiB} MiB | |`);
  console.log(`| Redis used_memory (shared with anything else on it), start → end | ${r.redis.usedMemoryMiB.start} → ${r.redis.usedMemoryMiB.end} MiB | |`);
  console.log(`\nKeys left under the prefix by kind: ${JSON.stringify(r.redis.keysLeft)}; RSS growth goal met: ${ok(growthMet)}`);
}

main().catch((error) => {
  console.error(`BENCH FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
