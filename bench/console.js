#!/usr/bin/env node
'use strict';
// Console statement round trips (issue 11): `POST /contexts/<ctx>/statements?wait=10` answered
// once the statement is available, sequentially, for `1 + 1` and for a lookup in a named object.
// Goal: p50 ≤ 5 ms on the bench machine.
//   node bench/console.js [--n 2000] [--warmup 200] [--cpu-profile] [--no-reference]
//     starts its own gateway + scheduler (the built apps, as bench/lib/jobserver.js does) and
//     removes them at the end; `npm run build` first. With --cpu-profile, the gateway, scheduler
//     and context worker write CPU profiles of the measured rounds (not of the warm-up) to a
//     temporary folder it prints (summarize: node bench/profile-summary.js <file>); do not quote
//     the latencies of a profiled run. --no-reference leaves the sync job out (a profile of
//     statements only).
// Every answer is checked (state available, the expected value); a wrong one fails the run.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { request, json } = require('./lib/http-client');
const { contextPid, startJobserver } = require('./lib/jobserver');
const { now, summarize } = require('./lib/stats');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const N = option('--n', 2000);
const WARMUP = option('--warmup', 200);
const CONTEXT = 'console-bench';
const PROFILE_DIR = args.includes('--cpu-profile') ? fs.mkdtempSync(path.join(os.tmpdir(), 'console-profiles-')) : undefined;

const ITEMS = [
  { label: '1 + 1', code: '1 + 1', expected: 2 },
  { label: 'named-object lookup', code: '(await namedObjects.get("table")).get("k500")', expected: 500 },
];

async function statement(url, code, expected) {
  const res = await request(url, 'POST', `/contexts/${CONTEXT}/statements?wait=10`, JSON.stringify({ code }));
  const body = res.status === 201 ? json(res) : undefined;
  const value = body?.output?.data?.['application/json'];
  if (body?.state !== 'available' || value !== expected) {
    throw new Error(`wrong answer for ${code}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  }
}

/** The reference on the same server and load: a warm sync WordCount job in the same context. */
async function syncJob(url) {
  const path = `/jobs?appName=bench&classPath=spark.jobserver.WordCountExample&context=${CONTEXT}&sync=true`;
  const res = await request(url, 'POST', path, 'input.string = a b a');
  if (res.status !== 200 || json(res).result?.a !== 2) throw new Error(`wrong sync job answer: ${res.status} ${res.text.slice(0, 300)}`);
}

/** Makes the processes of `target` write the CPU profile of the phase that just ended (labelled). */
async function profileMark(target, label) {
  if (!PROFILE_DIR) return;
  fs.writeFileSync(path.join(PROFILE_DIR, 'label'), label);
  const worker = await contextPid(target, CONTEXT);
  for (const pid of [...Object.values(target.pids), worker]) if (pid) process.kill(pid, 'SIGWINCH');
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

/** Times `calls` round-robin, `N` each after `WARMUP`, so that every item sees the same machine load. */
async function measure(target, calls) {
  const latencies = calls.map(() => []);
  for (let i = 0; i < WARMUP + N; i++) {
    if (i === WARMUP) await profileMark(target, '0-warmup');
    for (const [k, call] of calls.entries()) {
      const t0 = now();
      await call();
      if (i >= WARMUP) latencies[k].push(now() - t0);
    }
  }
  await profileMark(target, '1-measured');
  return latencies.map(summarize);
}

async function main() {
  const target = await startJobserver({ name: 'jobserver', profileDir: PROFILE_DIR });
  try {
    await target.createContext(CONTEXT);
    await statement(
      target.url,
      'await namedObjects.update("table", new Map(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]))); 1',
      1,
    );
    console.log(`console statements, sequential, ?wait=10, ${N} each (round-robin) after ${WARMUP} warm-up (ms):`);
    const reference = args.includes('--no-reference') ? [] : [{ label: '(reference: sync job)', call: () => syncJob(target.url) }];
    const calls = [...ITEMS.map((item) => () => statement(target.url, item.code, item.expected)), ...reference.map((r) => r.call)];
    const labels = [...ITEMS.map((item) => item.label), ...reference.map((r) => r.label)];
    for (const [k, s] of (await measure(target, calls)).entries()) {
      console.log(`  ${labels[k].padEnd(26)} p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max}`);
    }
  } finally {
    await target.stopProcesses();
    await target.close();
  }
  if (PROFILE_DIR) console.log(`CPU profiles: ${PROFILE_DIR} (summarize: node bench/profile-summary.js <file>)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
