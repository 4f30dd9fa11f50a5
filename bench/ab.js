#!/usr/bin/env node
'use strict';
// A/B of two jobserver checkouts on this machine: CPU ms per job by process and throughput,
// in alternating rounds so that drift of a shared machine hits both alike.
// Usage: node bench/ab.js --base <other checkout, built> [--rounds 6] [--async 2000] [--seq 300]
//        [--max-jobs N] [--env-a K=V,…] [--env-b K=V,…] (environment of either system's processes)
// --max-jobs: the context's max-jobs-per-context (npm run bench's items 1–3 use 64, the number in
// flight; without it the context has the server's default, and async jobs wait for its slots).
// Both checkouts must be built (npm run build). Prints medians per round and B/A ratios.

const path = require('node:path');
const { CpuMeter } = require('./lib/cpu');
const { sequentialSync } = require('./lib/scenarios');
const { request, runLoad, closeClient } = require('./lib/http-client');
const { percentile } = require('./lib/stats');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const BASE = arg('base');
if (!BASE) {
  console.error('usage: node bench/ab.js --base <dir> [--rounds 6] [--async 2000] [--seq 300]');
  process.exit(2);
}
const ROUNDS = Number(arg('rounds', 6));
const ASYNC = Number(arg('async', 2000));
const SEQ = Number(arg('seq', 300));
const MAX_JOBS = arg('max-jobs');
const BODY = 'input.string = a b c a b see';
const JOB = '/jobs?appName=bench&classPath=spark.jobserver.WordCountExample&context=ab';

/** `--env-a K=V,K2=V2` / `--env-b …`: environment added to that system's processes. */
const envOf = (flag) =>
  Object.fromEntries(
    (arg(flag, '') || '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

async function start(root, name, env) {
  const lib = require(path.join(root, 'bench/lib/jobserver'));
  const target = await lib.startJobserver({ name, env });
  await target.createContext('ab', MAX_JOBS ? `max-jobs-per-context=${Number(MAX_JOBS)}` : '');
  target.pids['context worker'] = await lib.contextPid(target, 'ab');
  await sequentialSync(target, 'ab', 100);
  return target;
}

async function asyncRound(target) {
  const before = await target.countFinished();
  const started = Date.now();
  await runLoad({
    label: `${target.name} async`,
    total: ASYNC,
    inFlight: 64,
    call: async () => {
      const res = await request(target.url, 'POST', JOB, BODY);
      if (res.status !== 202) throw new Error(`HTTP ${res.status} ${res.text.slice(0, 200)}`);
    },
  });
  while ((await target.countFinished()) < before + ASYNC)
    await new Promise((r) => setTimeout(r, 20));
  const [{ last }] = await target.query(
    'SELECT extract(epoch FROM max(end_time)) * 1000 AS last FROM jobs',
  );
  return (ASYNC / (Number(last) - started)) * 1000;
}

const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function main() {
  const systems = [
    await start(BASE, 'A (base)', envOf('env-a')),
    await start(path.resolve(__dirname, '..'), 'B (this)', envOf('env-b')),
  ];
  const rows = systems.map(() => ({ jobsPerSec: [], seqP50: [], cpu: [], seqCpu: [] }));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [1, 0] : [0, 1];
      for (const i of order) {
        const target = systems[i];
        const meter = new CpuMeter();
        await meter.start(target);
        rows[i].jobsPerSec.push(await asyncRound(target));
        await meter.stop(target, ASYNC);
        rows[i].cpu.push(meter.perJob());
        const seqMeter = new CpuMeter();
        await seqMeter.start(target);
        const seq = await sequentialSync(target, 'ab', SEQ);
        await seqMeter.stop(target, SEQ);
        rows[i].seqCpu.push(seqMeter.perJob());
        rows[i].seqP50.push(
          percentile(
            [...seq.latencies].sort((a, b) => a - b),
            50,
          ),
        );
      }
      console.error(
        `round ${round + 1}: ${systems.map((s, i) => `${s.name} ${rows[i].jobsPerSec.at(-1).toFixed(0)} jobs/s, seq p50 ${rows[i].seqP50.at(-1).toFixed(2)} ms`).join('; ')}`,
      );
    }
  } finally {
    for (const target of systems) await target.close();
    closeClient();
  }
  const labels = Object.keys(rows[0].cpu[0]);
  const line = (label, a, b, digits = 3) =>
    `| ${label} | ${a.toFixed(digits)} | ${b.toFixed(digits)} | ${(b / a).toFixed(2)}× |`;
  console.log(
    `| median of ${ROUNDS} rounds | A (base) | B (this) | B/A |\n| --- | ---: | ---: | ---: |`,
  );
  console.log(line('async jobs/s', median(rows[0].jobsPerSec), median(rows[1].jobsPerSec), 0));
  console.log(line('sequential sync p50 ms', median(rows[0].seqP50), median(rows[1].seqP50), 2));
  for (const [what, key] of [
    ['async', 'cpu'],
    ['sequential', 'seqCpu'],
  ]) {
    for (const label of labels) {
      const of = (row) => median(row[key].map((c) => c[label]));
      console.log(line(`CPU ms/job, ${what}: ${label}`, of(rows[0]), of(rows[1])));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
