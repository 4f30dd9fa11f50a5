#!/usr/bin/env node
'use strict';
// `node bench/worker-memory.js [--runs N] [--json]` (after `npm run build`): what an idle context
// worker costs and how fast one boots (issue 15 item 5), next to the floor's worker.
//   - spare boot: a context worker spawned as the local launcher spawns a spare (`--config-stdin
//     --spare`, settings on stdin), from spawn to its "spare worker ready" line (executor thread
//     online, database connection open); then its memory once idle for 2 s;
//   - cold context start: POST /contexts on a jobserver without spares (the scheduler spawns the
//     worker), the worker's memory once idle for 2 s and after one job;
//   - the floor's worker (bench/floor/worker.js): POST /contexts, then the same.
// Memory is RSS, private (Private_Clean + Private_Dirty) and anonymous, from smaps_rollup; see
// bench/lib/memory.js for what each means. Medians of `--runs` (3).

const { spawn } = require('node:child_process');
const path = require('node:path');
const { startJobserver, contextPid } = require('./lib/jobserver');
const { startFloor } = require('./lib/floor');
const { memoryOf } = require('./lib/memory');
const { syncJob, jobPath } = require('./lib/scenarios');
const { REDIS_URL } = require('./lib/services');
const { closeClient } = require('./lib/http-client');
const { WORKER_NODE_FLAGS } = require('@jobserver/config');
const { now, sleep, round } = require('./lib/stats');

const WORKER_MAIN = path.resolve(__dirname, '../apps/context-worker/dist/main.js');
const IDLE_MS = 2000;
const JSON_OUT = process.argv.includes('--json');
/** --spare-only: only the spare's boot and memory (quick, for trying flags). */
const SPARE_ONLY = process.argv.includes('--spare-only');
/** --node-flags "<flags>": node flags of the spare instead of the launcher's (WORKER_NODE_FLAGS), to try some. */
const NODE_FLAGS = process.argv.includes('--node-flags')
  ? process.argv[process.argv.indexOf('--node-flags') + 1].split(' ').filter(Boolean)
  : undefined;
const log = (msg) => (JSON_OUT ? console.error(msg) : console.log(msg));

/** Spawns a spare as LocalLauncher does; resolves with its boot time and idle memory, then ends it. */
async function spareBoot(target) {
  const settings = {
    DATABASE_URL: target.databaseUrl,
    REDIS_URL,
    JOBSERVER_PREFIX: target.prefix,
    JOBSERVER_BUNDLE_CACHE_DIR: path.join(target.logDir, 'bundle-cache'),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
  const t0 = now();
  const flags = NODE_FLAGS ?? WORKER_NODE_FLAGS;
  const child = spawn(process.execPath, [...flags, WORKER_MAIN, '--config-stdin', '--spare'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.write(`${JSON.stringify(settings)}\n`);
  const readyMs = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen = (seen + chunk.toString()).slice(-20_000);
      if (seen.includes('spare worker ready')) resolve(now() - t0);
    });
    child.once('exit', (code) =>
      reject(new Error(`spare exited with ${code}: ${seen.slice(-2000)}`)),
    );
  });
  child.stdout.resume();
  await sleep(IDLE_MS);
  const idle = memoryOf(child.pid);
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.end();
  await gone;
  return { readyMs, idle };
}

/** Creates a context on `target`, its worker's idle memory and after one job; deletes it. */
async function contextWorker(target, name, pidOf) {
  const { ms, body } = await target.createContext(name);
  const pid = await pidOf(name, body);
  await sleep(IDLE_MS);
  const idle = memoryOf(pid);
  await syncJob(target, jobPath(name, true));
  await sleep(500);
  const afterJob = memoryOf(pid);
  await target.deleteContext(name);
  return { creationMs: ms, idle, afterJob };
}

const median = (xs) => {
  const sorted = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};
/** Medians of every numeric field of `samples` (objects of numbers or of such objects). */
function medians(samples) {
  const out = {};
  for (const key of Object.keys(samples[0])) {
    out[key] =
      typeof samples[0][key] === 'object'
        ? medians(samples.map((s) => s[key]))
        : round(median(samples.map((s) => s[key])), 1);
  }
  return out;
}

async function main() {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
  const results = { runs, idleMs: IDLE_MS };
  const jobserver = await startJobserver({ env: { JOBSERVER_SPARE_WORKERS: '0' } });
  try {
    const spares = [];
    for (let i = 0; i < runs; i++) spares.push(await spareBoot(jobserver));
    results.spare = medians(spares);
    log(`spare: ready in ${results.spare.readyMs} ms, idle ${JSON.stringify(results.spare.idle)}`);
    if (!SPARE_ONLY) {
      const cold = [];
      for (let i = 0; i < runs; i++)
        cold.push(
          await contextWorker(jobserver, `mem-${i}`, (name) => contextPid(jobserver, name)),
        );
      results.coldContext = medians(cold);
      log(
        `cold context: created in ${results.coldContext.creationMs} ms, idle ${JSON.stringify(results.coldContext.idle)}`,
      );
    }
  } finally {
    await jobserver.close();
  }
  if (!SPARE_ONLY) await floorWorker(results, runs);
  await closeClient();
  if (JSON_OUT) return console.log(JSON.stringify(results, null, 2));
  printTable(results, runs);
}

async function floorWorker(results, runs) {
  const floor = await startFloor();
  try {
    const samples = [];
    for (let i = 0; i < runs; i++)
      samples.push(await contextWorker(floor, `mem-${i}`, async (_name, body) => body.pid));
    results.floor = medians(samples);
    log(
      `floor: created in ${results.floor.creationMs} ms, idle ${JSON.stringify(results.floor.idle)}`,
    );
  } finally {
    await floor.close();
  }
}

function printTable(results, runs) {
  const row = (cells) => console.log(`| ${cells.join(' | ')} |`);
  const mem = (m) => [m.rssMiB, m.privateMiB, m.anonymousMiB, m.pssMiB];
  console.log(
    `\nIdle context worker (${IDLE_MS / 1000} s after it is ready; medians of ${runs}), MiB\n`,
  );
  row([
    'worker',
    'boot / creation ms',
    'RSS',
    'private',
    'anonymous',
    'PSS',
    'RSS after one job',
    'private after one job',
  ]);
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  row([
    'jobserver spare (spawn → ready)',
    results.spare.readyMs,
    ...mem(results.spare.idle),
    '–',
    '–',
  ]);
  const c = results.coldContext;
  if (!c) return;
  row([
    'jobserver context, cold start (POST /contexts)',
    c.creationMs,
    ...mem(c.idle),
    c.afterJob.rssMiB,
    c.afterJob.privateMiB,
  ]);
  const f = results.floor;
  row([
    'floor worker (POST /contexts)',
    f.creationMs,
    ...mem(f.idle),
    f.afterJob.rssMiB,
    f.afterJob.privateMiB,
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
