#!/usr/bin/env node
'use strict';
// Posts hostile config bodies (nesting, size and key-count bombs) to a gateway and prints how long
// each answer took and the CPU time the gateway spent on it, against a budget of 50 ms.
//   node bench/config-bombs.js [--rounds 3] [--max-size 1m]
//     starts its own gateway + scheduler (the built apps, as bench/lib/jobserver.js does: a fresh
//     database on DATABASE_URL, a unique Redis prefix, a free port) and removes them at the end;
//     --max-size is then passed to it as JOBSERVER_CONFIG_MAX_SIZE.
//   node bench/config-bombs.js http://127.0.0.1:8090 [--pid <gateway pid>] [--max-size 1m] …
//     uses a running gateway (CPU figures only with --pid); --max-size must be its config-max-size.
// The size bombs are made just under and just over --max-size. The default app `nosuch` does not
// exist (--app to change it), so an accepted body is parsed, stored by the job INSERT and answered
// 404 without running a job; with --context <live context> (of --job-app, default `bench`), they
// are also posted as real async jobs there (when it starts its own gateway: the example bundle is
// uploaded as `bench`, context `bombjobs`), which adds the queueing of the config to the request.
// Each body is posted --rounds times; the table has the medians, and the first round's CPU apart
// (the first large body of a fresh gateway also pays for JIT warm-up).

const { request } = require('./lib/http-client');
const os = require('node:os');
const { startJobserver } = require('./lib/jobserver');
const { cpuMs: processCpuMs } = require('./lib/cpu');

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
let baseUrl = args.find((a) => /^https?:/.test(a));
let pid = option('--pid');
const app = option('--app', 'nosuch');
/** With a live context of an uploaded app, accepted bodies also run as real (async) jobs there. */
let jobContext = option('--context');
const jobApp = option('--job-app', 'bench');
const ROUNDS = Number(option('--rounds', '3'));
const BUDGET_MS = 50;
const UNITS = { '': 1, k: 1024, m: MiB };
const maxSizeText = option('--max-size', '1m');
const sizeMatch = /^(\d+)([km]?)$/i.exec(maxSizeText);
if (!sizeMatch) throw new Error('--max-size takes a size like 256k or 1m');
const LIMIT = Number(sizeMatch[1]) * UNITS[sizeMatch[2].toLowerCase()];
const KEYS = Math.round((50_000 * LIMIT) / MiB);
const limitText = LIMIT % MiB === 0 ? `${LIMIT / MiB} MiB` : `${LIMIT / 1024} KiB`;

const nestHocon = (n) => `${'a{'.repeat(n)}x=1${'}'.repeat(n)}`;
const nestJson = (n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const upTo = (bytes, line) => line.repeat(Math.floor(bytes / line.length));
const lines = (n, make) => Array.from({ length: n }, (_, i) => make(i)).join('\n');
const path = (segments, i) => `${Array.from({ length: segments - 1 }, (_, s) => `p${s}`).join('.')}.k${i}`;

const BOMBS = [
  ['HOCON nested 10 000 deep', nestHocon(10_000)],
  ['HOCON nested 100 000 deep', nestHocon(100_000)],
  ['JSON nested 10 000 deep', nestJson(10_000)],
  ['JSON nested 100 000 deep', nestJson(100_000)],
  ['JSON arrays nested 100 000 deep', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  [`${limitText} of a=1 lines (just under the limit)`, upTo(LIMIT - 16, 'a=1\n')],
  [`${limitText} + 4 bytes of a=1 lines (over the limit)`, upTo(LIMIT + 4, 'a=1\n')],
  [`${limitText} unquoted string`, `a = ${'x'.repeat(LIMIT - 8)}`],
  [`${limitText} of words (value concatenation)`, `a = ${upTo(LIMIT - 8, 'ab ')}`],
  [`${limitText} quoted string with escapes`, `a = "${upTo(LIMIT - 8, '\\n')}"`],
  [`${KEYS} keys, HOCON`, lines(KEYS, (i) => `k${i} = ${i}`)],
  [`${KEYS} keys, JSON`, JSON.stringify(Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`k${i}`, i])))],
  ['a dotted path 10 000 segments long', `${Array(10_000).fill('a').join('.')} = 1`],
  ['a dotted path 100 000 segments long', `${Array(100_000).fill('a').join('.')} = 1`],
  ['5 000 dotted paths 60 segments long', lines(5_000, (i) => `${path(60, i)} = 1`)],
  ['100 000 repeated merges of one object', lines(100_000, (i) => `a { b${i % 50} = ${i} }`)],
];

/** CPU time (user + system) of the gateway in ms, from /proc; undefined without a pid. */
const cpuMs = () => (pid ? processCpuMs(pid) : undefined);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function post(urlPath, body) {
  const cpuBefore = cpuMs();
  const started = process.hrtime.bigint();
  const res = await request(baseUrl, 'POST', urlPath, body);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuBefore === undefined ? undefined : cpuMs() - cpuBefore;
  return { res, ms, cpu };
}

/** Posts one body ROUNDS times; medians of answer ms and gateway CPU ms, the first CPU ms, the last answer. */
async function measure(urlPath, body) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await post(urlPath, body));
  const cpus = runs.map((r) => r.cpu);
  return {
    res: runs[runs.length - 1].res,
    ms: median(runs.map((r) => r.ms)),
    cpu: cpus.includes(undefined) ? undefined : median(cpus),
    firstCpu: cpus[0],
  };
}

async function run() {
  const routes = [
    ['POST /jobs', `/jobs?appName=${app}&classPath=bomb`],
    ['POST /contexts', '/contexts/bombctx'],
  ];
  // A real job: recorded, queued with its config, answered 202 once the worker has it (the job
  // itself then fails validation: these configs have no input.string).
  const realJob = `/jobs?appName=${jobApp}&classPath=spark.jobserver.WordCountExample&context=${jobContext}`;
  if (jobContext) routes.push(['POST /jobs (real job)', realJob]);
  console.log(`rounds per body: ${ROUNDS}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // The first POST /jobs of a process pays for its code path (prepared INSERT, first refusal):
  // one small body first, so that the table's first rounds show what the large bodies cost.
  const small = await post(routes[0][1], 'input.string = a b c a b see');
  if (small.cpu !== undefined) console.log(`first (small) POST /jobs: ${small.res.status}, ${small.cpu} ms of gateway CPU`);
  console.log(`| bomb | bytes | route | status | answer ms | gateway CPU ms | first round CPU ms | ≤ ${BUDGET_MS} ms CPU | result |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  let worst = 0;
  let over = 0;
  for (const [name, body] of BOMBS) {
    for (const [route, urlPath] of routes) {
      // The context route would create a real context for an accepted body: only refused ones go there.
      if (route === 'POST /contexts' && !/deep|long|over/.test(name)) continue;
      if (route === 'POST /jobs (real job)' && /deep|long|over/.test(name)) continue;
      const { res, ms, cpu, firstCpu } = await measure(urlPath, body);
      worst = Math.max(worst, ms);
      if (cpu !== undefined && cpu > BUDGET_MS) over++;
      const result = res.text.slice(0, 90).replace(/\|/g, '\\|');
      const cpuText = cpu === undefined ? '-' : cpu.toFixed(0);
      const within = cpu === undefined ? '-' : cpu <= BUDGET_MS ? 'yes' : 'NO';
      const firstText = firstCpu === undefined ? '-' : firstCpu.toFixed(0);
      console.log(`| ${name} | ${Buffer.byteLength(body)} | ${route} | ${res.status} | ${ms.toFixed(1)} | ${cpuText} | ${firstText} | ${within} | ${result} |`);
      const health = await request(baseUrl, 'GET', '/healthz');
      if (health.status !== 200) console.log(`    /healthz answered ${health.status} after ${name}`);
    }
  }
  console.log(`\nslowest answer: ${worst.toFixed(1)} ms; bodies over ${BUDGET_MS} ms of gateway CPU: ${over}`);
  console.log('(CPU figures have the kernel\'s 10 ms resolution)');
}

async function main() {
  if (baseUrl) return run();
  const target = await startJobserver({ env: { JOBSERVER_CONFIG_MAX_SIZE: maxSizeText } });
  try {
    baseUrl = target.url;
    pid = target.gateway.pid;
    jobContext = 'bombjobs';
    await target.createContext(jobContext);
    await run();
  } finally {
    await target.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
